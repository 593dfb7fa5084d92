/**
 * The group data frame. Every field a receiver relies on is in the header, and in the bound
 * format the header is the AEAD's associated data, so a frame names (and cannot be moved to)
 * another sender, group, key epoch or sequence number:
 *
 *   type(1)=0x20 | group(8) | epoch(4) | sender(4) | seq(8) | ciphertext‖tag(16) | hop tag(16)
 *
 * The nonce is sender(4)‖seq(8): unique per epoch key as long as each sender counts up, which
 * its channel does. The hop tag is the link's MAC (member → leader under the member's up key,
 * leader → member under that member's down key): the leader vouches for the sender it checked.
 *
 * The published format (Antigone's {A, m}_Kg, Enclaves 2.0's A, {data}_Kg) carries the sender
 * as a label outside the encryption, a nonce of its own and no hop tag:
 *
 *   type(1)=0x21 | group(8) | epoch(4) | sender(4) | seq(8) | nonce(12) | ciphertext‖tag(16)
 */
export const FrameType = { bound: 0x20, published: 0x21 } as const;
export const HEADER = 25;
export const TAG = 16;
export const HOP_TAG = 16;
export const NONCE = 12;

export interface FrameHeader {
  type: number;
  epoch: number;
  sender: number;
  seq: number;
}

/** Read the header (no checks beyond length); null if the frame is too short to hold one. */
export function readHeader(frame: Uint8Array, into: FrameHeader): FrameHeader | null {
  if (frame.length < HEADER + TAG) return null;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  into.type = frame[0] as number;
  into.epoch = v.getUint32(9);
  into.sender = v.getUint32(13);
  const hi = v.getUint32(17);
  if (hi >= 2 ** 21) return null;
  into.seq = hi * 2 ** 32 + v.getUint32(21);
  return into;
}

export function writeHeader(
  out: Uint8Array,
  type: number,
  group: Uint8Array,
  epoch: number,
  sender: number,
  seq: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = type;
  out.set(group, 1);
  v.setUint32(9, epoch >>> 0);
  v.setUint32(13, sender >>> 0);
  v.setUint32(17, Math.floor(seq / 2 ** 32));
  v.setUint32(21, seq >>> 0);
}

/** The group id bytes of a frame equal `group` (not secret: a plain comparison). */
export function sameGroup(frame: Uint8Array, group: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (frame[1 + i] !== group[i]) return false;
  return true;
}

export function nonceOf(sender: number, seq: number, out: Uint8Array): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint32(0, sender >>> 0);
  v.setUint32(4, Math.floor(seq / 2 ** 32));
  v.setUint32(8, seq >>> 0);
  return out;
}
