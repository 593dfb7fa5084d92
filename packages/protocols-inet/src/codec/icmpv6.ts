/**
 * ICMPv6 (RFC 4443): type, code, checksum over the pseudo-header, then the body.
 * Error messages carry as much of the invoking packet as fits in the minimum MTU.
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { pseudoHeaderChecksum } from './checksum.js';
import { Icmpv6Type, IPV6_MIN_MTU, NextHeader } from './constants.js';
import type { InetDropReason } from './drop-reasons.js';
import { DST, SRC } from './ipv6-header.js';

export function checkIcmpv6(buf: PacketBuffer, ipAt: number): InetDropReason | null {
  if (buf.length < 4) return 'icmpv6-truncated';
  if (
    pseudoHeaderChecksum(
      buf.view,
      ipAt + SRC,
      ipAt + DST,
      null,
      null,
      NextHeader.ICMPV6,
      buf.start,
      buf.end,
    ) !== 0
  )
    return 'icmpv6-bad-checksum';
  const type = buf.bytes[buf.start] as number;
  const known =
    type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY || (type >= 1 && type <= 4);
  if (!known) return 'icmpv6-unknown-type';
  if (type < 128 && buf.length < 8) return 'icmpv6-truncated';
  if (type >= 128 && buf.length < 8) return 'icmpv6-truncated';
  return null;
}

/** Fill in the checksum of the ICMPv6 message at buf.start. */
export function sealIcmpv6(buf: PacketBuffer, src: Uint8Array, dst: Uint8Array): void {
  buf.view.setUint16(buf.start + 2, 0);
  buf.view.setUint16(
    buf.start + 2,
    pseudoHeaderChecksum(buf.view, 0, 0, src, dst, NextHeader.ICMPV6, buf.start, buf.end),
  );
}

/** Largest invoking-packet excerpt an error may carry: min MTU - IPv6 header - ICMPv6 header. */
export const ERROR_EXCERPT = IPV6_MIN_MTU - 40 - 8;

/**
 * RFC 8201 §5.2 / RFC 4443 §5.2: believe a Packet Too Big (its body at buf.start) only if the
 * packet it quotes could be one we sent: an IPv6 header, our source address, and a length that
 * our link let out yet the reported `mtu` refuses. Anything else is a spoofed or broken PTB.
 */
export function checkPacketTooBig(
  buf: PacketBuffer,
  local: Uint8Array,
  mtu: number,
  linkMtu: number,
): InetDropReason | null {
  const q = buf.start + 8;
  if (buf.length < 8 + 40 || (buf.bytes[q] as number) >> 4 !== 6) return 'icmpv6-ptb-implausible';
  for (let i = 0; i < 16; i++)
    if (buf.bytes[q + SRC + i] !== local[i]) return 'icmpv6-ptb-not-ours';
  const quoted = 40 + buf.view.getUint16(q + 4);
  if (quoted <= mtu || quoted > linkMtu) return 'icmpv6-ptb-implausible';
  return null;
}
