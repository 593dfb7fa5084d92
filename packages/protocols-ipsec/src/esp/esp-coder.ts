/**
 * The Coder of an ESP SA (the middle of FSM / Coder / Cipher): the wire format of RFC 4303
 * §2 — the header (SPI, sequence number) and the trailer (padding 1, 2, 3, …, pad length,
 * next header) — with no key and no state.
 *
 *   ESP packet:  SPI(4) ‖ Seq(4) ‖ IV ‖ ciphertext(payload ‖ padding ‖ pad length ‖ next header) ‖ ICV
 */
import type { PacketBuffer } from '@conduits/core/codec';
import type { EspDropReason } from '../esp-drop-reasons.js';

export const ESP_HEADER = 8;

/** Append the trailer so that payload ‖ trailer fills whole blocks of `block` bytes. */
export function writeTrailer(buf: PacketBuffer, nextHeader: number, block: number): void {
  const padLen = (block - ((buf.length + 2) % block)) % block;
  const at = buf.append(padLen + 2);
  const bytes = buf.bytes;
  for (let i = 0; i < padLen; i++) bytes[at + i] = i + 1;
  bytes[at + padLen] = padLen;
  bytes[at + padLen + 1] = nextHeader;
}

/** Remove the trailer of a decrypted payload; its next header, or why the padding is wrong. */
export function stripTrailer(buf: PacketBuffer): number | EspDropReason {
  if (buf.length < 2) return 'esp-bad-padding';
  const bytes = buf.bytes;
  const padLen = bytes[buf.end - 2] as number;
  const nextHeader = bytes[buf.end - 1] as number;
  if (padLen + 2 > buf.length) return 'esp-bad-padding';
  const from = buf.end - 2 - padLen;
  for (let i = 0; i < padLen; i++) if (bytes[from + i] !== i + 1) return 'esp-bad-padding';
  buf.end = from;
  return nextHeader;
}

export function pushHeader(buf: PacketBuffer, spi: number, seqLo: number): void {
  const h = buf.push(ESP_HEADER);
  buf.view.setUint32(h, spi);
  buf.view.setUint32(h + 4, seqLo);
}

/** The low 32 bits of the sequence number of the ESP packet at buf.start. */
export function sequenceOf(buf: PacketBuffer): number {
  return buf.view.getUint32(buf.start + 4);
}

/**
 * Check that the ESP packet at buf.start can hold what the SA's transform puts there, and
 * pull its header. Null, or why the packet is malformed.
 */
export function pullHeader(
  buf: PacketBuffer,
  ivLength: number,
  icvLength: number,
  block: number,
): EspDropReason | null {
  const bad = lengthProblem(buf, ivLength, icvLength, block);
  if (bad !== null) return bad;
  buf.pull(ESP_HEADER);
  return null;
}

/** Why the ESP packet at buf.start cannot be one of this transform, or null: checked before anything else. */
export function lengthProblem(
  buf: PacketBuffer,
  ivLength: number,
  icvLength: number,
  block: number,
): EspDropReason | null {
  const ctLen = buf.length - ESP_HEADER - ivLength - icvLength;
  if (ctLen < 2) return 'esp-truncated';
  if (block === 16 && ctLen % 16 !== 0) return 'esp-bad-length';
  return null;
}
