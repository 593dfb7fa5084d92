/**
 * The IPv6 session (RFC 8200): checks and pulls the fixed header and the Hop-by-Hop, Routing
 * and Destination Options headers of packets addressed to this host; pushes the header on
 * packets going out. Above it sits the Fragment session, then the next-header Mux.
 */
import { Session, type Declaration, type Message, type State } from '@conduits/core';
import { isMulticast, type Ipv6Address } from '../codec/address.js';
import { securityRelevant } from '../codec/drop-reasons.js';
import {
  checkIpv6Header,
  DST,
  walkExtensionHeaders,
  writeIpv6Header,
} from '../codec/ipv6-header.js';
import { ipOffset, nextHeader, remoteAddress } from '../attributes.js';

export interface Ipv6Config {
  readonly address: Ipv6Address;
  /** @default 64 */
  readonly hopLimit?: number;
  /**
   * Tried first on every arriving packet: a fused path for the common case (see UdpExpress).
   * It either delivers the packet itself or returns false having changed nothing.
   */
  readonly express?: ExpressLane;
}

export interface ExpressLane {
  /** `at` is the IPv6 session the packet arrived at: the lane starts from its side B. */
  tryDeliver(msg: Message, at: Session): boolean;
}

/** Going up: the offset of the fixed header and the protocol after the extension headers. */
export const ipv6Declaration: Declaration = {
  role: 'inet.ipv6',
  fromA: { writes: [ipOffset, nextHeader] },
  fromB: { reads: [remoteAddress, nextHeader] },
};

const walk = { nextHeader: 0 };

export function ipv6State(config: Ipv6Config): State {
  const hopLimit = config.hopLimit ?? 64;
  const express = config.express;
  // The address as four big-endian words: four loads per packet instead of sixteen.
  const a = new DataView(config.address.buffer, config.address.byteOffset, 16);
  const a0 = a.getUint32(0),
    a1 = a.getUint32(4),
    a2 = a.getUint32(8),
    a3 = a.getUint32(12);
  return {
    name: 'ipv6',
    declares: ipv6Declaration,
    accept(s, msg, from) {
      const b = msg.buffer;
      if (from === 'B') {
        const dst = msg.get(remoteAddress);
        if (dst === undefined) return s.drop(msg, 'ipv6-no-destination');
        writeIpv6Header(b, msg.get(nextHeader) ?? 59, hopLimit, config.address, dst);
        s.send('A', msg);
        return;
      }
      if (express !== undefined && express.tryDeliver(msg, s)) return;
      let r = checkIpv6Header(b);
      if (r === null) {
        const v = b.view;
        const d = b.start + DST;
        const mine =
          v.getUint32(d) === a0 &&
          v.getUint32(d + 4) === a1 &&
          v.getUint32(d + 8) === a2 &&
          v.getUint32(d + 12) === a3;
        if (!mine && !isMulticast(b.bytes, d)) r = 'ipv6-not-for-us';
      }
      if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
      const at = b.start;
      msg.set(ipOffset, at);
      b.pull(40);
      r = walkExtensionHeaders(b, b.bytes[at + 6] as number, walk);
      if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
      msg.set(nextHeader, walk.nextHeader);
      s.send('B', msg);
    },
  };
}

export function ipv6Session(config: Ipv6Config): Session {
  return new Session('ipv6', { initial: ipv6State(config) });
}
