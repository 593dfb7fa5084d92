/**
 * Request/response services over UDP (a KDC, a CA) for a simulated or real host: the client
 * side implements ServiceClient, each call an exchange on a TaskHost (retransmission with
 * backoff on the scheduler's clock, a retry limit, cancel on close); `serveUdp` answers on a
 * bound port. Each request carries a random 32-bit id the server echoes, so replies match
 * requests; a reply with the id is offered to the caller, who refuses it unless it
 * authenticates and is bound to the request (see ServiceClient), and the call waits on.
 *
 * Addresses are "[ipv6]:port" (or "ipv6 port").
 */
import {
  done,
  needMore,
  refused,
  TaskHost,
  type BuildResult,
  type ProcessResult,
  type Scheduler,
  type Task,
  type TaskError,
  type TaskOwner,
  type TaskWire,
} from '@conduits/core';
import {
  addressEquals,
  formatIpv6,
  ipOffset,
  parseIpv6,
  sourceOf,
  srcPort,
  type Ipv6Address,
  type UdpEndpoint,
} from '@conduits/protocols-inet';
import { SRC } from '@conduits/protocols-inet/codec';
import type { ServiceCall, ServiceClient, ServiceReplyHandler } from '../runtime/services.js';

export class ServiceAddressError extends Error {
  override readonly name = 'ServiceAddressError';
  constructor(readonly address: string) {
    super(`not a service address: "${address}" (want "[ipv6]:port")`);
  }
}

export function parseServiceAddress(address: string): { address: Ipv6Address; port: number } {
  const m =
    /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(address) ?? /^([0-9a-fA-F:.]+) (\d+)$/.exec(address);
  const port = Number(m?.[2]);
  if (!m || !(port > 0 && port < 65536)) throw new ServiceAddressError(address);
  return { address: parseIpv6(m[1] as string), port };
}

export function serviceAddress(address: Ipv6Address, port: number): string {
  return `[${formatIpv6(address)}]:${port}`;
}

/** Where ids come from: anything with a uniform 32-bit `nextU32()` (a SeededRandom in simulations). */
export interface IdSource {
  nextU32(): number;
}

/** The CSPRNG, when no source is given. */
const cryptoIds: IdSource = {
  nextU32: () => crypto.getRandomValues(new Uint32Array(1))[0] as number,
};

export interface UdpServiceOptions {
  /** First retransmission timeout, ms. @default 500 */
  readonly timeout?: number;
  /** Transmissions in all. @default 4 */
  readonly tries?: number;
  /** Request ids. @default the CSPRNG */
  readonly random?: IdSource;
}

/** A framed request or reply: [id u32][bytes]. */
interface Datagram {
  readonly id: number;
  bytes: Uint8Array;
}

/** One call: send the request until a reply the caller accepts comes. */
class ServiceRequest
  implements
    Task<Datagram, Datagram>,
    TaskWire<Datagram, Datagram>,
    TaskOwner<Datagram, Datagram>,
    ServiceCall
{
  readonly kind = 'service-request';
  readonly host: TaskHost<Datagram, Datagram>;
  #over = false;

  constructor(
    readonly client: UdpServiceClient,
    readonly id: number,
    readonly to: { readonly address: Ipv6Address; readonly port: number },
    readonly request: Uint8Array,
    readonly onReply: ServiceReplyHandler,
    options: UdpServiceOptions,
  ) {
    this.host = new TaskHost(client.scheduler, this, this, {
      name: 'service-request',
      timeout: options.timeout ?? 500,
      tries: options.tries ?? 4,
    });
  }

  // Task
  build(out: Datagram): BuildResult {
    out.bytes = new Uint8Array(4 + this.request.length);
    new DataView(out.bytes.buffer).setUint32(0, this.id);
    out.bytes.set(this.request, 4);
    return needMore;
  }
  process(reply: Datagram): ProcessResult {
    return this.onReply(reply.bytes) === false ? refused('service-reply-refused') : done;
  }

  // TaskWire: one exchange (the id), one step (the reply).
  exchangeOf(d: Datagram): number {
    return d.id;
  }
  stepOf(): number {
    return 0;
  }
  create(exchange: number): Datagram {
    return { id: exchange, bytes: new Uint8Array(0) };
  }
  send(d: Datagram): void {
    this.client.endpoint.send(this.to.address, this.to.port, d.bytes);
  }

  // TaskOwner
  completed(): void {
    this.#end();
  }
  failed(_task: Task<Datagram, Datagram>, _error: TaskError): void {
    this.#end();
    this.onReply(null);
  }

  cancel(): void {
    this.#end();
  }

  #end(): void {
    if (this.#over) return;
    this.#over = true;
    this.client.forget(this.id);
    this.host.close();
  }
}

export class UdpServiceClient implements ServiceClient {
  readonly #pending = new Map<number, ServiceRequest>();
  readonly #random: IdSource;

  constructor(
    readonly endpoint: UdpEndpoint,
    readonly scheduler: Scheduler,
    readonly options: UdpServiceOptions = {},
  ) {
    this.#random = options.random ?? cryptoIds;
    endpoint.onDatagram((msg) => {
      const b = msg.buffer;
      if (b.length < 4) return;
      const id = b.view.getUint32(b.start);
      const p = this.#pending.get(id);
      if (
        p === undefined ||
        msg.get(srcPort) !== p.to.port ||
        !addressEquals(msg.buffer.bytes, (msg.get(ipOffset) ?? 0) + SRC, p.to.address)
      )
        return;
      p.host.receive({ id, bytes: b.bytes.slice(b.start + 4, b.end) });
    });
  }

  /** Calls under way. */
  get pending(): number {
    return this.#pending.size;
  }

  call(address: string, request: Uint8Array, onReply: ServiceReplyHandler): ServiceCall {
    let id = this.#random.nextU32() >>> 0;
    while (this.#pending.has(id)) id = this.#random.nextU32() >>> 0;
    const p = new ServiceRequest(
      this,
      id,
      parseServiceAddress(address),
      request,
      onReply,
      this.options,
    );
    this.#pending.set(id, p);
    p.host.initiate(p, id);
    return p;
  }

  /** A call is over (answered, given up, cancelled). */
  forget(id: number): void {
    this.#pending.delete(id);
  }
}

/** Answer requests arriving on `endpoint` with `handler` (null: no answer). */
export function serveUdp(
  endpoint: UdpEndpoint,
  handler: (request: Uint8Array) => Uint8Array | null,
): void {
  endpoint.onDatagram((msg) => {
    const b = msg.buffer;
    if (b.length < 4) return;
    const reply = handler(b.bytes.slice(b.start + 4, b.end));
    if (reply === null) return;
    const framed = new Uint8Array(4 + reply.length);
    framed.set(b.bytes.subarray(b.start, b.start + 4));
    framed.set(reply, 4);
    endpoint.send(sourceOf(msg), msg.get(srcPort) ?? 0, framed);
  });
}
