import {
  Adaptor,
  defaultPool,
  type Conduit,
  type Message,
  type MessagePool,
  type Port,
} from '@conduits/core';
import { edge } from '@conduits/core/internal';
import { Observable, Subject } from 'rxjs';
import { copyAddress, type Ipv6Address } from '../codec/address.js';
import { SRC } from '../codec/ipv6-header.js';
import { dstPort, ipOffset, remoteAddress, srcPort } from '../attributes.js';

/** A datagram as the application sees it on the Observable edge (copies, safe to keep). */
export interface Datagram {
  readonly time: number;
  readonly from: Ipv6Address;
  readonly fromPort: number;
  readonly toPort: number;
  readonly data: Uint8Array;
}

/**
 * The application adaptor: a bound UDP port with a socket-like API. It sits on the ports
 * Mux's side B[port]. `send` enqueues; received datagrams reach `onDatagram` handlers
 * zero-copy (valid during the call) and `datagrams$` as copies.
 */
export class UdpEndpoint extends Adaptor {
  readonly #subject = new Subject<Datagram>();
  #observers = 0;
  #handlers: ((msg: Message) => void)[] = [];
  received = 0;

  constructor(
    readonly port: number,
    readonly pool: MessagePool = defaultPool,
  ) {
    super(`udp:${port}`);
  }

  clone(): Conduit {
    return new UdpEndpoint(this.port, this.pool);
  }

  send(to: Ipv6Address, toPort: number, data: Uint8Array): void {
    const m = this.pool.from(data);
    m.set(remoteAddress, to).set(dstPort, toPort).set(srcPort, this.port);
    this.inject(m);
  }

  /** Zero-copy delivery: `msg.buffer` holds the payload; the message is released after the call. */
  onDatagram(handler: (msg: Message) => void): () => void {
    this.#handlers = [...this.#handlers, handler];
    return () => void (this.#handlers = this.#handlers.filter((h) => h !== handler));
  }

  /** An Edge: a subscriber that throws is counted and raised as a fault of this endpoint; delivery goes on. */
  get datagrams$(): Observable<Datagram> {
    const datagrams = new Observable<Datagram>((sub) => {
      this.#observers++;
      const s = this.#subject.subscribe(sub);
      return () => {
        this.#observers--;
        s.unsubscribe();
      };
    });
    return edge(datagrams, (error) => this.graph.edgeFault(this.name, error));
  }

  deliver(msg: Message, _from: Port): void {
    this.received++;
    const handlers = this.#handlers;
    for (let i = 0; i < handlers.length; i++) (handlers[i] as (msg: Message) => void)(msg);
    if (this.#observers > 0) {
      const ip = msg.get(ipOffset) ?? 0;
      this.#subject.next({
        time: this.graph.scheduler.now(),
        from: copyAddress(msg.buffer.bytes, ip + SRC),
        fromPort: msg.get(srcPort) ?? 0,
        toPort: msg.get(dstPort) ?? 0,
        data: msg.buffer.copy(),
      });
    }
    msg.release();
  }
}

/** The source address of a received datagram (a copy). */
export function sourceOf(msg: Message): Ipv6Address {
  return copyAddress(msg.buffer.bytes, (msg.get(ipOffset) ?? 0) + SRC);
}
