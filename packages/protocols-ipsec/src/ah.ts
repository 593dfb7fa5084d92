/**
 * The Authentication Header (RFC 4302) over IPv6. The ICV covers the IPv6 header with its
 * mutable fields zeroed (traffic class, flow label, hop limit: §3.3.3.1.2.1), the extension
 * headers before AH with the data of options marked "may change en route" zeroed
 * (§3.3.3.1.2.2), AH itself with the ICV field zeroed, and everything after; under ESN the
 * high sequence bits are appended (§3.3.3.2).
 *
 *   AH: next header(1) ‖ payload len(1) = AH length/4 - 2 ‖ reserved(2) ‖ SPI(4) ‖ seq(4) ‖ ICV, padded to 8 bytes
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { constantTimeEqual } from '@conduits/crypto';
import { NextHeader } from '@conduits/protocols-inet';
import { espOneCall } from './conduits/sa-pipeline.js';
import type { EspDropReason } from './esp-drop-reasons.js';
import type { EspCipher } from './esp/esp-cipher.js';
import type { SecurityAssociation } from './security-association.js';

export const AH_FIXED = 12;

/** AH length for an ICV: fixed part plus ICV, padded to a multiple of 8 (IPv6). */
export function ahLength(icvLength: number): number {
  return Math.ceil((AH_FIXED + icvLength) / 8) * 8;
}

/** The IPv6 header as the ICV sees it: version 6, TC/flow/hop limit zero. */
function icvHeader(
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
  payloadLength: number,
  nextHeader: number,
): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[4] = payloadLength >> 8;
  h[5] = payloadLength & 0xff;
  h[6] = nextHeader;
  h.set(src.subarray(srcAt, srcAt + 16), 8);
  h.set(dst.subarray(dstAt, dstAt + 16), 24);
  return h;
}

/** A copy of the extension headers with mutable option data zeroed. */
function icvExtensionHeaders(
  bytes: Uint8Array,
  from: number,
  to: number,
  firstNextHeader: number,
): Uint8Array {
  const out = bytes.slice(from, to);
  let nh = firstNextHeader;
  let at = 0;
  while (at + 2 <= out.length) {
    const len = ((out[at + 1] as number) + 1) * 8;
    if (nh === NextHeader.HOP_BY_HOP || nh === NextHeader.DESTINATION_OPTIONS) {
      let i = at + 2;
      while (i < at + len && i < out.length) {
        const type = out[i] as number;
        if (type === 0) {
          i++;
          continue;
        }
        const olen = (out[i + 1] ?? 0) as number;
        if (type & 0x20) out.fill(0, i + 2, Math.min(i + 2 + olen, out.length));
        i += 2 + olen;
      }
    }
    nh = out[at] as number;
    at += len;
  }
  return out;
}

/** Coder: why the AH at buf.start cannot be this SA's (its ICV length), or null. */
export function ahLengthProblem(buf: PacketBuffer, icvLength: number): EspDropReason | null {
  if (buf.length < AH_FIXED) return 'esp-truncated';
  const len = ((buf.bytes[buf.start + 1] as number) + 2) * 4;
  if (len !== ahLength(icvLength) || len > buf.length) return 'esp-bad-length';
  return null;
}

/** Coder: the low sequence bits of the AH at buf.start. */
export function ahSequenceOf(buf: PacketBuffer): number {
  return buf.view.getUint32(buf.start + 8);
}

/** Coder: push an AH with a zero ICV in front of the payload (whose protocol is `nextHeader`). */
export function pushAhHeader(
  buf: PacketBuffer,
  nextHeader: number,
  icvLength: number,
  spi: number,
  seqLo: number,
): void {
  const len = ahLength(icvLength);
  const at = buf.push(len);
  buf.bytes.fill(0, at, at + len);
  buf.bytes[at] = nextHeader;
  buf.bytes[at + 1] = len / 4 - 2;
  buf.view.setUint32(at + 4, spi);
  buf.view.setUint32(at + 8, seqLo);
}

/** Coder: pull the (verified) AH at buf.start; its next header. */
export function pullAh(buf: PacketBuffer): number {
  const nh = buf.bytes[buf.start] as number;
  buf.pull(((buf.bytes[buf.start + 1] as number) + 2) * 4);
  return nh;
}

/**
 * Cipher: write the ICV into the AH at buf.start, for a packet from `src` to `dst` that will
 * carry no extension headers before AH (as this stack sends them).
 */
export function sealAh(
  cipher: EspCipher,
  buf: PacketBuffer,
  seq: number,
  src: Uint8Array,
  dst: Uint8Array,
): void {
  const header = icvHeader(src, 0, dst, 0, buf.length, NextHeader.AH);
  buf.bytes.set(
    cipher.integrityCheckValue(
      [header, buf.bytes.subarray(buf.start, buf.end)],
      Math.floor(seq / 4294967296),
    ),
    buf.start + AH_FIXED,
  );
}

/**
 * Cipher: check the ICV of the AH at buf.start of a packet whose IPv6 header is at `ipAt`;
 * the bytes between the fixed header and AH are extension headers.
 */
export function checkAh(
  cipher: EspCipher,
  buf: PacketBuffer,
  ipAt: number,
  seqHi: number,
): EspDropReason | null {
  const at = buf.start;
  const len = ((buf.bytes[at + 1] as number) + 2) * 4;
  const extFrom = ipAt + 40;
  const ext =
    extFrom < at
      ? icvExtensionHeaders(buf.bytes, extFrom, at, buf.bytes[ipAt + 6] as number)
      : new Uint8Array(0);
  // With extension headers, the last one names AH; with none, the header's own next header does (a reassembled packet's copy may say Fragment).
  const header = icvHeader(
    buf.bytes,
    ipAt + 8,
    buf.bytes,
    ipAt + 24,
    ext.length + buf.length,
    ext.length > 0 ? (buf.bytes[ipAt + 6] as number) : NextHeader.AH,
  );
  const received = buf.bytes.slice(at + AH_FIXED, at + AH_FIXED + cipher.icvLength);
  const ah = buf.bytes.slice(at, at + len);
  ah.fill(0, AH_FIXED);
  const expected = cipher.integrityCheckValue(
    [header, ext, ah, buf.bytes.subarray(at + len, buf.end)],
    seqHi,
  );
  return constantTimeEqual(expected, received) ? null : 'esp-icv-failed';
}

/** Protect with AH in one call: the SA's FSM / Coder / Cipher Protocol, for code outside a graph. */
export function ahProtect(
  sa: SecurityAssociation,
  buf: PacketBuffer,
  nextHeader: number,
  src: Uint8Array,
  dst: Uint8Array,
): EspDropReason | null {
  return espOneCall(sa).protectAh(buf, nextHeader, src, dst);
}

/** Check and remove AH in one call (the SA's Protocol); its next header, or why it was refused. */
export function ahVerify(
  sa: SecurityAssociation,
  buf: PacketBuffer,
  ipAt: number,
): number | EspDropReason {
  return espOneCall(sa).open(buf, ipAt);
}
