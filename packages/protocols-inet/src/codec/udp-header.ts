/**
 * UDP (RFC 768) over IPv6 (RFC 8200 §8.1: the checksum is mandatory).
 *   0: source port   2: destination port   4: length   6: checksum
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { pseudoHeaderChecksum } from './checksum.js';
import { NextHeader, UDP_HEADER } from './constants.js';
import type { InetDropReason } from './drop-reasons.js';
import { DST, SRC } from './ipv6-header.js';

/** Check the UDP header at buf.start; `ipAt` is where the IPv6 header (for the pseudo-header) starts. */
export function checkUdp(buf: PacketBuffer, ipAt: number): InetDropReason | null {
  if (buf.length < UDP_HEADER) return 'udp-truncated';
  const at = buf.start;
  const len = buf.view.getUint16(at + 4);
  if (len < UDP_HEADER || len !== buf.length) return 'udp-bad-length';
  if (buf.view.getUint16(at + 6) === 0) return 'udp-zero-checksum';
  if (
    pseudoHeaderChecksum(
      buf.view,
      ipAt + SRC,
      ipAt + DST,
      null,
      null,
      NextHeader.UDP,
      at,
      buf.end,
    ) !== 0
  )
    return 'udp-bad-checksum';
  return null;
}

/** Push a UDP header with its checksum over the current contents. */
export function writeUdp(
  buf: PacketBuffer,
  srcPort: number,
  dstPort: number,
  src: Uint8Array,
  dst: Uint8Array,
): void {
  const at = buf.push(UDP_HEADER);
  const v = buf.view;
  v.setUint16(at, srcPort);
  v.setUint16(at + 2, dstPort);
  v.setUint16(at + 4, buf.length);
  v.setUint16(at + 6, 0);
  const c = pseudoHeaderChecksum(buf.view, 0, 0, src, dst, NextHeader.UDP, at, buf.end);
  v.setUint16(at + 6, c === 0 ? 0xffff : c);
}
