/**
 * IPv6 header (RFC 8200 §3) and extension header chain (§4). Decoders work in place on a
 * PacketBuffer and return a drop reason or null: no exceptions, no allocation.
 *
 *   0: version(4) traffic class(8) flow label(20)   4: payload length(16) next header(8) hop limit(8)
 *   8: source address (16)                          24: destination address (16)
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { IPV6_HEADER, NextHeader } from './constants.js';
import type { InetDropReason } from './drop-reasons.js';

export const SRC = 8;
export const DST = 24;

/** Check the fixed header at buf.start; trims link-layer padding past the payload length. */
export function checkIpv6Header(buf: PacketBuffer): InetDropReason | null {
  if (buf.length < IPV6_HEADER) return 'ipv6-truncated';
  const at = buf.start;
  if ((buf.bytes[at] as number) >> 4 !== 6) return 'ipv6-bad-version';
  const plen = buf.view.getUint16(at + 4);
  if (plen === 0) return 'ipv6-jumbogram-unsupported';
  if (IPV6_HEADER + plen > buf.length) return 'ipv6-truncated-payload';
  if (IPV6_HEADER + plen < buf.length) buf.trim(buf.length - IPV6_HEADER - plen);
  if (buf.bytes[at + SRC] === 0xff) return 'ipv6-bad-source';
  return null;
}

export function writeIpv6Header(
  buf: PacketBuffer,
  nextHeader: number,
  hopLimit: number,
  src: Uint8Array,
  dst: Uint8Array,
): void {
  const plen = buf.length;
  const at = buf.push(IPV6_HEADER);
  buf.view.setUint32(at, 0x60000000);
  buf.view.setUint16(at + 4, plen);
  buf.bytes[at + 6] = nextHeader;
  buf.bytes[at + 7] = hopLimit;
  buf.bytes.set(src, at + SRC);
  buf.bytes.set(dst, at + DST);
}

/** RFC 8200 §4.1 recommends at most this many; more is treated as an attack. */
export const MAX_EXTENSION_HEADERS = 8;

/**
 * Walk Hop-by-Hop, Routing and Destination Options headers from buf.start, pulling them.
 * Returns the drop reason, or null with `result.nextHeader` set to the first header this
 * walk does not consume (Fragment, AH, ESP, or an upper layer).
 */
export function walkExtensionHeaders(
  buf: PacketBuffer,
  firstNextHeader: number,
  result: { nextHeader: number },
): InetDropReason | null {
  let nh = firstNextHeader;
  for (
    let count = 0;
    nh === NextHeader.HOP_BY_HOP ||
    nh === NextHeader.ROUTING ||
    nh === NextHeader.DESTINATION_OPTIONS;
    count++
  ) {
    if (count >= MAX_EXTENSION_HEADERS) return 'ipv6-too-many-extension-headers';
    if (nh === NextHeader.HOP_BY_HOP && count > 0) return 'ipv6-misplaced-hop-by-hop';
    if (buf.length < 8) return 'ipv6-truncated-extension';
    const at = buf.start;
    const len = ((buf.bytes[at + 1] as number) + 1) * 8;
    if (len > buf.length) return 'ipv6-truncated-extension';
    if (nh === NextHeader.ROUTING) {
      // RFC 5095 / 8200 §4.4: a host that is the final destination may only skip a routing header with no segments left.
      if (buf.bytes[at + 3] !== 0) return 'ipv6-routing-header';
    } else {
      const r = checkOptions(buf.bytes, at + 2, at + len);
      if (r !== null) return r;
    }
    nh = buf.bytes[at] as number;
    buf.pull(len);
  }
  result.nextHeader = nh;
  return null;
}

/** Options TLVs (§4.2): Pad1, PadN, and unknown options whose type says "skip" (top bits 00). */
function checkOptions(b: Uint8Array, from: number, to: number): InetDropReason | null {
  let i = from;
  while (i < to) {
    const type = b[i] as number;
    if (type === 0) {
      i++;
      continue;
    }
    if (i + 2 > to) return 'ipv6-bad-option';
    const len = b[i + 1] as number;
    if (i + 2 + len > to) return 'ipv6-bad-option';
    if (type !== 1 && type >> 6 !== 0) return 'ipv6-unknown-option';
    i += 2 + len;
  }
  return null;
}
