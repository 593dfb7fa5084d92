/**
 * The UDP session (RFC 768 over IPv6): checks length and checksum on the way up and sets the
 * port attributes the ports Mux reads; pushes the header with its checksum on the way down.
 */
import { Session, type Accessor, type Declaration, type Message, type State } from '@conduits/core';
import type { Ipv6Address } from '../codec/address.js';
import { Icmpv6Type, NextHeader } from '../codec/constants.js';
import { securityRelevant } from '../codec/drop-reasons.js';
import { checkUdp, writeUdp } from '../codec/udp-header.js';
import { dstPort, ipOffset, nextHeader, remoteAddress, srcPort } from '../attributes.js';

/** Going up: needs the IPv6 header (for the pseudo-header), sets the ports; going down: pushes the header. */
export const udpDeclaration: Declaration = {
  role: 'inet.udp',
  fromA: { requires: [ipOffset], writes: [srcPort, dstPort] },
  fromB: { reads: [remoteAddress, srcPort, dstPort], writes: [nextHeader] },
};

export function udpState(localAddress: Ipv6Address): State {
  return {
    name: 'udp',
    declares: udpDeclaration,
    accept(s, msg, from) {
      const b = msg.buffer;
      if (from === 'B') {
        const dst = msg.get(remoteAddress);
        if (dst === undefined) return s.drop(msg, 'ipv6-no-destination');
        writeUdp(b, msg.get(srcPort) ?? 0, msg.get(dstPort) ?? 0, localAddress, dst);
        msg.set(nextHeader, NextHeader.UDP);
        s.send('A', msg);
        return;
      }
      const r = checkUdp(b, msg.get(ipOffset) ?? 0);
      if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
      msg.set(srcPort, b.view.getUint16(b.start));
      msg.set(dstPort, b.view.getUint16(b.start + 2));
      b.pull(8);
      s.send('B', msg);
    },
  };
}

export function udpSession(localAddress: Ipv6Address): Session {
  return new Session('udp', { initial: udpState(localAddress) });
}

/** The ports Mux's accessor: the destination port; going down it stamps the source port. */
export const portAccessor: Accessor<number> = {
  name: 'udp-dst-port',
  declares: { fromA: { requires: [dstPort] }, fromB: { writes: [srcPort] } },
  key: (m) => m.get(dstPort),
  stamp: (m, port) => {
    if (m.get(srcPort) === undefined) m.set(srcPort, port);
  },
  format: (p) => `port ${p}`,
};

/** The next-header Mux's accessor. */
export const nextHeaderAccessor: Accessor<number> = {
  name: 'next-header',
  declares: { fromA: { requires: [nextHeader] } },
  key: (m) => m.get(nextHeader),
  format: (n) => ({ 17: 'udp', 58: 'icmpv6', 50: 'esp', 51: 'ah', 6: 'tcp' })[n] ?? `nh ${n}`,
};

/** Where the sessions that refuse a packet report it (the host's ICMPv6). */
export interface IcmpErrorSender {
  sendError(type: number, code: number, value: number, invoking: Message): void;
}

/** Sits on the ports Mux's side B[0]: datagrams to a port nobody listens on end here, answered with Port Unreachable (RFC 4443 §3.1, code 4). */
export function noListenerSession(errors?: IcmpErrorSender): Session {
  return new Session('no-listener', {
    initial: {
      name: 'no-listener',
      accept: (s, msg) => {
        errors?.sendError(Icmpv6Type.DESTINATION_UNREACHABLE, 4, 0, msg);
        s.drop(msg, 'udp-no-listener');
      },
    },
    terminal: 'B',
  });
}

/**
 * Sits on the next-header Mux's side B[0]: packets for a protocol this host does not run,
 * answered with Parameter Problem code 1 (RFC 8200 §4, RFC 4443 §3.4). The pointer names the
 * Next Header field when it is the fixed header's; after extension headers it is not known
 * here, and points at the fixed header's field (a documented simplification).
 */
export function unknownProtocolSession(errors?: IcmpErrorSender): Session {
  return new Session('unknown-protocol', {
    initial: {
      name: 'unknown-protocol',
      accept: (s, msg) => {
        errors?.sendError(Icmpv6Type.PARAMETER_PROBLEM, 1, 6, msg);
        s.drop(msg, 'ipv6-unknown-next-header');
      },
    },
    terminal: 'B',
  });
}
