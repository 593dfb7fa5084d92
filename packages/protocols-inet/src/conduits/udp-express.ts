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
 * The lane knows the layers it skips only as data: `expressPath` lists them by the role each
 * declares (or, for a mux, by its accessor and the key the lane's datagrams carry), and the
 * attributes they declare they write must be ones the lane writes itself. It holds no
 * conduit but the one it ends at, found by walking the graph from its own IPv6 session; every
 * rewiring of the graph (connect, disconnect, mux install or remove, a session changing
 * state) moves the graph's epoch on, and the lane stands aside until the walk, re-run on the
 * next packet, finds the path it stands in for again. A layer inserted at run time (a
 * policy, a security layer) breaks the path, so its packets take the layers through it.
 */
import type { AttrKey, Accessor, Message, Mux, Port, Session } from '@conduits/core';
import { fold, sumView } from '../codec/checksum.js';
import { IPV6_HEADER, NextHeader, UDP_HEADER } from '../codec/constants.js';
import { DST, SRC } from '../codec/ipv6-header.js';
import type { Ipv6Address } from '../codec/address.js';
import { dstPort, ipOffset, nextHeader, srcPort } from '../attributes.js';
import { nextHeaderAccessor, portAccessor } from './udp-session.js';

/** One layer the lane skips: a session playing `role`, or a mux demultiplexing `key` with `accessor`. */
export type ExpressStep =
  { readonly role: string } | { readonly accessor: Accessor<number>; readonly key: number };

/**
 * The lane's preconditions, as data: the path from the IPv6 session's side B that a unicast
 * UDP datagram takes, the mux it ends at, and the attributes the lane sets in the layers' place.
 */
export const expressPath = {
  skips: [
    { role: 'inet.fragment' },
    { accessor: nextHeaderAccessor, key: NextHeader.UDP },
    { role: 'inet.udp' },
  ] as readonly ExpressStep[],
  endsAt: portAccessor as Accessor<number>,
  writes: [ipOffset, nextHeader, srcPort, dstPort] as readonly AttrKey<unknown>[],
} as const;

export class UdpExpress {
  readonly #a0: number;
  readonly #a1: number;
  readonly #a2: number;
  readonly #a3: number;
  /** The graph epoch the lane was last validated at, and the ports Mux it found then (null: the path is broken). */
  #epoch = -1;
  #ports: Mux<number> | null = null;
  /** Datagrams that took the lane (the rest took the layered path). */
  taken = 0;

  constructor(address: Ipv6Address) {
    const v = new DataView(address.buffer, address.byteOffset, 16);
    this.#a0 = v.getUint32(0);
    this.#a1 = v.getUint32(4);
    this.#a2 = v.getUint32(8);
    this.#a3 = v.getUint32(12);
  }

  /** True when, at the graph's current epoch, the path the lane stands in for is there. */
  validFor(at: Session): boolean {
    const g = at.graph;
    if (g.epoch !== this.#epoch) {
      this.#ports = findPath(at);
      this.#epoch = g.epoch;
    }
    return this.#ports !== null;
  }

  /**
   * Deliver `msg` (an IPv6 packet at buffer start, arrived at the IPv6 session `at`) through
   * the lane, or return false having changed nothing, so the layered path can take it.
   */
  tryDeliver(msg: Message, at: Session): boolean {
    if (at.graph.tracing || !this.validFor(at)) return false;
    const ports = this.#ports as Mux<number>;
    const port = this.#commonCase(msg, ports);
    if (port === undefined) return false;
    // Commit: what the IPv6 and UDP sessions would have set and pulled.
    const b = msg.buffer;
    const start = b.start;
    const u = start + IPV6_HEADER;
    msg.set(ipOffset, start);
    msg.set(nextHeader, NextHeader.UDP);
    msg.set(srcPort, b.view.getUint16(u));
    msg.set(dstPort, b.view.getUint16(u + 2));
    b.pull(IPV6_HEADER + UDP_HEADER);
    this.taken++;
    ports.sendVia(port, msg);
    return true;
  }

  /**
   * The common-case predicate: the ports Mux's side for this datagram when the layers would
   * deliver it unchanged to that side, undefined when anything is out of the ordinary. Reads only.
   */
  #commonCase(msg: Message, ports: Mux<number>): Port | undefined {
    const b = msg.buffer;
    const at = b.start;
    const len = b.end - at;
    if (len < IPV6_HEADER + UDP_HEADER) return undefined;
    const bytes = b.bytes;
    const v = b.view;
    // IPv6: version 6, no padding and no jumbogram, UDP directly, a unicast source, our address.
    if ((bytes[at] as number) >> 4 !== 6) return undefined;
    const plen = v.getUint16(at + 4);
    if (IPV6_HEADER + plen !== len || bytes[at + 6] !== NextHeader.UDP || bytes[at + SRC] === 0xff)
      return undefined;
    const d = at + DST;
    if (
      v.getUint32(d) !== this.#a0 ||
      v.getUint32(d + 4) !== this.#a1 ||
      v.getUint32(d + 8) !== this.#a2 ||
      v.getUint32(d + 12) !== this.#a3
    )
      return undefined;
    // UDP: length, a checksum present and right (RFC 8200 §8.1).
    const u = at + IPV6_HEADER;
    if (v.getUint16(u + 4) !== plen || v.getUint16(u + 6) === 0) return undefined;
    // The pseudo-header's addresses lie straight before the UDP header: one sweep from the source
    // address to the end, plus the upper-layer length and next header.
    if (fold(sumView(v, at + SRC, b.end, plen + NextHeader.UDP)) !== 0xffff) return undefined;
    // Someone listens on the port.
    return ports.portFor(v.getUint16(u + 2));
  }
}

/**
 * Walk from the IPv6 session's side B along `expressPath`: the ports Mux at its end, or null
 * when a conduit on the way is not the one the lane stands in for (another role, another
 * state, a layer inserted, a route removed) or writes something the lane would not.
 */
function findPath(ip: Session): Mux<number> | null {
  let next: Port | null = ip.b.peer;
  for (const step of expressPath.skips) {
    if (next === null) return null;
    const c = next.owner;
    const declared = c.declared?.();
    if (!writesOnlyWhatTheLaneWrites(declared?.fromA?.writes)) return null;
    if ('role' in step) {
      if (c.kind !== 'session' || next.side !== 'A' || declared?.role !== step.role) return null;
      next = (c as Session).b.peer;
    } else {
      const mux = c as Mux<number>;
      if (c.kind !== 'mux' || next !== mux.a || mux.accessor !== step.accessor) return null;
      next = mux.portFor(step.key)?.peer ?? null;
    }
  }
  if (next === null || next.owner.kind !== 'mux') return null;
  const ports = next.owner as Mux<number>;
  if (next !== ports.a || ports.accessor !== expressPath.endsAt) return null;
  // What the mux it ends at needs is among what the lane sets.
  return writesOnlyWhatTheLaneWrites(ports.declared()?.fromA?.requires) ? ports : null;
}

function writesOnlyWhatTheLaneWrites(keys: readonly AttrKey<unknown>[] | undefined): boolean {
  return keys === undefined || keys.every((k) => expressPath.writes.includes(k));
}
