/**
 * The frame header as associated data. On the wire a frame names only its kind, the low byte
 * of its key epoch and (KEY frames) the distribution index; a live connection adds the
 * generation byte outside. None of that may be changed in transit: every authenticating
 * micro-protocol (AEAD privacy, HMAC, keyed-digest and signature authenticity) covers the
 * header as its receiver reconstructs it, in full:
 *
 *   [kind u8][distribution index u8][sender 'C' | 'S'][version 1][epoch u32][generation u32]
 *
 * The sender's role is part of it, so a frame reflected back to its sender does not verify
 * even under a key both directions shared (they do not: see DirectionalKeys). Each
 * micro-protocol owns one 12-byte buffer it rewrites per message: no allocation per message.
 */
import { attribute, type CompositeProtocol, type Message } from '@conduits/core';
import { epochOf, settings } from './context.js';

/** The frame a message travels in: 0 for DATA, 0x100 | i for a KEY frame of distribution i. */
export const FrameKind = attribute<number>('seccomm.frame', 'local');
export const KEY_FRAME = 0x100;
export const HEADER_LENGTH = 12;
const VERSION = 1;

export type Role = 'client' | 'server';
const roleByte = (r: Role): number => (r === 'client' ? 0x43 : 0x53);
export const opposite = (r: Role): Role => (r === 'client' ? 'server' : 'client');

/** A reusable header buffer for one micro-protocol of one connection. */
export class FrameHeader {
  readonly bytes = new Uint8Array(HEADER_LENGTH);
  readonly #view = new DataView(this.bytes.buffer);
  readonly #c: CompositeProtocol;

  constructor(c: CompositeProtocol) {
    this.#c = c;
  }

  /** The header of `msg`, as sent (outbound) or as received; valid until the next call. */
  of(msg: Message, outbound: boolean): Uint8Array {
    const s = settings(this.#c);
    const kind = msg.get(FrameKind) ?? 0;
    this.bytes[0] = kind >= KEY_FRAME ? 1 : 0;
    this.bytes[1] = kind >= KEY_FRAME ? kind & 0xff : 0;
    this.bytes[2] = roleByte(outbound ? s.role : opposite(s.role));
    this.bytes[3] = VERSION;
    this.#view.setUint32(4, epochOf(this.#c, msg) >>> 0);
    this.#view.setUint32(8, (s.generation ?? 0) >>> 0);
    return this.bytes;
  }
}
