/**
 * Request/response services over UDP (a KDC, a CA) for a simulated or real host: the client
 * side implements ServiceClient with retransmissions on the scheduler's clock; `serveUdp`
 * answers on a bound port. Each request carries a 32-bit id the server echoes, so replies
 * match requests and a late or foreign reply is ignored.
 *
 * Addresses are "[ipv6]:port" (or "ipv6 port").
 */
import type { Scheduler, Timer } from '@conduits/core';
import { addressEquals, formatIpv6, ipOffset, parseIpv6, sourceOf, SRC, srcPort, type Ipv6Address, type UdpEndpoint } from '@conduits/protocols-inet';
import type { ServiceClient } from '../runtime/services.js';

export class ServiceAddressError extends Error {
  override readonly name = 'ServiceAddressError';
  constructor(readonly address: string) {
    super(`not a service address: "${address}" (want "[ipv6]:port")`);
  }
}

export function parseServiceAddress(address: string): { address: Ipv6Address; port: number } {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(address) ?? /^([0-9a-fA-F:.]+) (\d+)$/.exec(address);
  const port = Number(m?.[2]);
  if (!m || !(port > 0 && port < 65536)) throw new ServiceAddressError(address);
  return { address: parseIpv6(m[1] as string), port };
}

export function serviceAddress(address: Ipv6Address, port: number): string {
  return `[${formatIpv6(address)}]:${port}`;
}

interface Pending {
  readonly to: { address: Ipv6Address; port: number };
  readonly request: Uint8Array;
  readonly onReply: (reply: Uint8Array | null) => void;
  tries: number;
  timer: Timer | null;
}

export class UdpServiceClient implements ServiceClient {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(
    readonly endpoint: UdpEndpoint,
    readonly scheduler: Scheduler,
    readonly options: { timeout?: number; tries?: number } = {},
  ) {
    endpoint.onDatagram((msg) => {
      const b = msg.buffer;
      if (b.length < 4) return;
      const p = this.#pending.get(b.view.getUint32(b.start));
      if (p === undefined || msg.get(srcPort) !== p.to.port || !addressEquals(msg.buffer.bytes, (msg.get(ipOffset) ?? 0) + SRC, p.to.address)) return;
      this.#pending.delete(b.view.getUint32(b.start));
      scheduler.cancel(p.timer);
      p.onReply(b.bytes.slice(b.start + 4, b.end));
    });
  }

  call(address: string, request: Uint8Array, onReply: (reply: Uint8Array | null) => void): void {
    const id = this.#nextId++ >>> 0;
    const framed = new Uint8Array(4 + request.length);
    new DataView(framed.buffer).setUint32(0, id);
    framed.set(request, 4);
    const p: Pending = { to: parseServiceAddress(address), request: framed, onReply, tries: 0, timer: null };
    this.#pending.set(id, p);
    this.#send(id, p);
  }

  #send(id: number, p: Pending): void {
    this.endpoint.send(p.to.address, p.to.port, p.request);
    const timeout = (this.options.timeout ?? 500) * 2 ** p.tries;
    p.timer = this.scheduler.after(timeout, () => {
      if (++p.tries >= (this.options.tries ?? 4)) {
        this.#pending.delete(id);
        p.onReply(null);
      } else this.#send(id, p);
    });
  }
}

/** Answer requests arriving on `endpoint` with `handler` (null: no answer). */
export function serveUdp(endpoint: UdpEndpoint, handler: (request: Uint8Array) => Uint8Array | null): void {
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
