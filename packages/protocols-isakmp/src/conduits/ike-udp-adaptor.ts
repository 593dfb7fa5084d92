/**
 * The UDP adaptor of Figure 9: datagrams from port 500 enter the ISAKMP graph here, messages
 * the associations send leave here. `IkeTransport` is the socket: the host's UDP endpoint on
 * the simulator (`hostTransport`), a real socket otherwise.
 */
import { Adaptor, type Conduit, type Message, type MessagePool, type Port } from '@conduits/core';
import type { Ipv6Address } from '@conduits/protocols-inet';
import type { UdpEndpoint } from '@conduits/protocols-inet';
import { ikePeer, ikePeerPort } from './attributes.js';

export interface IkeTransport {
  send(to: Ipv6Address, port: number, data: Uint8Array): void;
  /** Hand each arriving datagram to `deliver`. */
  listen(deliver: (from: Ipv6Address, port: number, data: Uint8Array) => void): void;
}

export class IkeUdpAdaptor extends Adaptor {
  received = 0;
  sent = 0;

  constructor(
    readonly transport: IkeTransport,
    readonly pool: MessagePool,
  ) {
    super('ike-udp');
    transport.listen((from, port, data) => this.receive(from, port, data));
  }

  /** A datagram from `from`:`port` enters the graph (queued on the scheduler). */
  receive(from: Ipv6Address, port: number, data: Uint8Array): void {
    this.received++;
    const m = this.pool.from(data);
    m.set(ikePeer, from).set(ikePeerPort, port);
    this.inject(m);
  }

  clone(): Conduit {
    return new IkeUdpAdaptor(this.transport, this.pool);
  }

  deliver(msg: Message, _from: Port): void {
    const to = msg.get(ikePeer);
    if (to !== undefined) {
      this.sent++;
      this.transport.send(to, msg.get(ikePeerPort) ?? 500, msg.buffer.copy());
    }
    msg.release();
  }
}

/** A host's UDP port 500 on the simulator as the transport. */
export function hostTransport(endpoint: UdpEndpoint): IkeTransport {
  return {
    send: (to, port, data) => endpoint.send(to, port, data),
    listen: (deliver) => {
      endpoint.datagrams$.subscribe((d) => deliver(d.from, d.fromPort, d.data));
    },
  };
}
