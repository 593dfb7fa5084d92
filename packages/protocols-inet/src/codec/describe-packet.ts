/**
 * A one-line summary of an IPv6 packet for traces and tools, using the same decoders as the
 * stack. Never throws: a packet it cannot read is described by the reason.
 */
import { MessagePool } from '@conduits/core';
import { formatIpv6 } from './address.js';
import { Icmpv6Type, NextHeader } from './constants.js';
import { checkIpv6Header, DST, SRC, walkExtensionHeaders } from './ipv6-header.js';

const pool = new MessagePool(2048, 128, 4);
const icmpNames: Record<number, string> = {
  [Icmpv6Type.DESTINATION_UNREACHABLE]: 'destination unreachable',
  [Icmpv6Type.PACKET_TOO_BIG]: 'packet too big',
  [Icmpv6Type.TIME_EXCEEDED]: 'time exceeded',
  [Icmpv6Type.PARAMETER_PROBLEM]: 'parameter problem',
  [Icmpv6Type.ECHO_REQUEST]: 'echo request',
  [Icmpv6Type.ECHO_REPLY]: 'echo reply',
};

export function describePacket(bytes: Uint8Array): string {
  const m = pool.from(bytes);
  try {
    const b = m.buffer;
    const ip = b.start;
    const bad = checkIpv6Header(b);
    if (bad !== null) return `(not IPv6: ${bad})`;
    const head = `${formatIpv6(b.bytes, ip + SRC)} > ${formatIpv6(b.bytes, ip + DST)}`;
    b.pull(40);
    const walk = { nextHeader: 0 };
    const r = walkExtensionHeaders(b, b.bytes[ip + 6] as number, walk);
    if (r !== null) return `${head} (${r})`;
    const v = b.view;
    const at = b.start;
    switch (walk.nextHeader) {
      case NextHeader.UDP:
        return b.length < 8
          ? `${head} UDP (truncated)`
          : `${head} UDP ${v.getUint16(at)} > ${v.getUint16(at + 2)} len ${v.getUint16(at + 4) - 8}`;
      case NextHeader.ICMPV6:
        return `${head} ICMPv6 ${icmpNames[b.bytes[at] as number] ?? `type ${b.bytes[at]}`}`;
      case NextHeader.FRAGMENT: {
        if (b.length < 8) return `${head} fragment (truncated)`;
        const w = v.getUint16(at + 2);
        return `${head} fragment id 0x${v.getUint32(at + 4).toString(16)} offset ${w & 0xfff8}${w & 1 ? ' +more' : ''} (${b.length - 8} bytes of ${b.bytes[at] === 17 ? 'UDP' : `nh ${b.bytes[at]}`})`;
      }
      case NextHeader.ESP:
        return b.length < 8
          ? `${head} ESP (truncated)`
          : `${head} ESP spi 0x${v.getUint32(at).toString(16).padStart(8, '0')} seq ${v.getUint32(at + 4)}`;
      default:
        return `${head} next header ${walk.nextHeader}, ${b.length} bytes`;
    }
  } finally {
    m.release();
  }
}
