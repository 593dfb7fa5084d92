/**
 * The host's express lane for unicast UDP: Ensemble's "bypass" (Hayden & van Renesse,
 * "Optimizing layered communication protocols", 1997) for the one case that dominates a
 * host's receive path. A common-case predicate, made of the very same checks the layers run
 * (IPv6 fixed header, destination, UDP length and checksum, a bound port), decides whether
 * a packet arriving at the IPv6 session is the ordinary case; if so it is handed straight to
 * the ports Mux's side for its port, with the attributes and pulls the layered path would
 * have made, skipping the Fragment pass-through, the next-header Mux and the UDP session
 * (four hops). Anything else (extension headers, fragments, multicast, padding, a bad
 * checksum, an unbound port, a security layer, tracing) returns false before anything is
 * changed and takes the layered path, which drops, counts, alerts and answers with ICMPv6
 * exactly as before. A differential test feeds the same packets to hosts with and without
 * the lane and requires identical outcomes.
 *
 * The lane belongs to the composition (the Host that built the graph), not to a handler:
 * handlers still only act through their sessions.
 */
import type { Graph, Message, Mux, Port, Session, State } from '@conduits/core';
import { fold, sumView } from '../codec/checksum.js';
import { IPV6_HEADER, NextHeader, UDP_HEADER } from '../codec/constants.js';
import { DST, SRC } from '../codec/ipv6-header.js';
import type { Ipv6Address } from '../codec/address.js';
import { dstPort, ipOffset, nextHeader, srcPort } from '../attributes.js';

/** What the lane checks the graph against before skipping it: set once the host's graph is built. */
export interface UdpExpressRoute {
  readonly graph: Graph;
  readonly nextHeaders: Mux<number>;
  /** The UDP session the next-header Mux must still route 17 to, still in the state it was built with. */
  readonly udp: Session;
  readonly ports: Mux<number>;
}

export class UdpExpress {
  readonly #a0: number;
  readonly #a1: number;
  readonly #a2: number;
  readonly #a3: number;
  #route: UdpExpressRoute | null = null;
  #udpState: State | null = null;
  /** Datagrams that took the lane (the rest took the layered path). */
  taken = 0;

  constructor(address: Ipv6Address) {
    const v = new DataView(address.buffer, address.byteOffset, 16);
    this.#a0 = v.getUint32(0);
    this.#a1 = v.getUint32(4);
    this.#a2 = v.getUint32(8);
    this.#a3 = v.getUint32(12);
  }

  bind(route: UdpExpressRoute): void {
    this.#route = route;
    this.#udpState = route.udp.state;
  }

  /**
   * Deliver `msg` (an IPv6 packet at buffer start) through the lane, or return false having
   * changed nothing, so the layered path can take it.
   */
  tryDeliver(msg: Message): boolean {
    const port = this.#commonCase(msg);
    if (port === undefined) return false;
    // Commit: what the IPv6 and UDP sessions would have set and pulled.
    const b = msg.buffer;
    const at = b.start;
    const u = at + IPV6_HEADER;
    msg.set(ipOffset, at);
    msg.set(nextHeader, NextHeader.UDP);
    msg.set(srcPort, b.view.getUint16(u));
    msg.set(dstPort, b.view.getUint16(u + 2));
    b.pull(IPV6_HEADER + UDP_HEADER);
    this.taken++;
    (this.#route as UdpExpressRoute).ports.sendVia(port, msg);
    return true;
  }

  /**
   * The common-case predicate: the ports Mux's side for this datagram when the layers would
   * deliver it unchanged to that side, undefined when anything is out of the ordinary. Reads only.
   */
  #commonCase(msg: Message): Port | undefined {
    const r = this.#route;
    if (r === null || r.graph.tracing) return undefined;
    const b = msg.buffer;
    const at = b.start;
    const len = b.end - at;
    if (len < IPV6_HEADER + UDP_HEADER) return undefined;
    const bytes = b.bytes;
    const v = b.view;
    // IPv6: version 6, no padding and no jumbogram, UDP directly, a unicast source, our address.
    if ((bytes[at] as number) >> 4 !== 6) return undefined;
    const plen = v.getUint16(at + 4);
    if (IPV6_HEADER + plen !== len || bytes[at + 6] !== NextHeader.UDP || bytes[at + SRC] === 0xff) return undefined;
    const d = at + DST;
    if (v.getUint32(d) !== this.#a0 || v.getUint32(d + 4) !== this.#a1 || v.getUint32(d + 8) !== this.#a2 || v.getUint32(d + 12) !== this.#a3) return undefined;
    // UDP: length, a checksum present and right (RFC 8200 §8.1).
    const u = at + IPV6_HEADER;
    if (v.getUint16(u + 4) !== plen || v.getUint16(u + 6) === 0) return undefined;
    // The pseudo-header's addresses lie straight before the UDP header: one sweep from the source
    // address to the end, plus the upper-layer length and next header.
    if (fold(sumView(v, at + SRC, b.end, plen + NextHeader.UDP)) !== 0xffff) return undefined;
    // The graph is still the one the lane was made for, and someone listens on the port.
    // (A mux that drops a route disconnects it, so a UDP session still connected is still routed.)
    const up = r.udp.a.peer;
    if (up === null || up.owner !== r.nextHeaders || r.udp.state !== this.#udpState) return undefined;
    return r.ports.portFor(v.getUint16(u + 2));
  }
}
