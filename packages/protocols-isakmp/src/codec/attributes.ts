/**
 * SA attributes, RFC 2408 §3.3: the top bit (AF) says a 2-byte value follows the type
 * (TV); otherwise a 2-byte length and that many bytes (TLV).
 */
import { IsakmpDecodeError } from '../errors.js';
import { fail, ok, type Decoded } from './result.js';

export type SaAttribute =
  | { readonly type: number; readonly value: number }
  | { readonly type: number; readonly bytes: Uint8Array };

const MAX_ATTRIBUTES = 32;

/** A number attribute as TV when it fits in 16 bits, TLV (4 bytes) otherwise (life durations). */
export function attr(type: number, value: number): SaAttribute {
  if (value <= 0xffff) return { type, value };
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0);
  return { type, bytes };
}

/** The numeric value of an attribute, TV or TLV of at most 4 bytes; undefined when absent or too long. */
export function attrValue(attrs: readonly SaAttribute[], type: number): number | undefined {
  const a = attrs.find((x) => x.type === type);
  if (a === undefined) return undefined;
  if ('value' in a) return a.value;
  if (a.bytes.length === 0 || a.bytes.length > 4) return undefined;
  let v = 0;
  for (const b of a.bytes) v = v * 256 + b;
  return v;
}

export function attributesLength(attrs: readonly SaAttribute[]): number {
  let n = 0;
  for (const a of attrs) n += 'value' in a ? 4 : 4 + a.bytes.length;
  return n;
}

export function writeAttributes(
  attrs: readonly SaAttribute[],
  out: Uint8Array,
  at: number,
): number {
  for (const a of attrs) {
    if ('value' in a) {
      out[at] = 0x80 | ((a.type >> 8) & 0x7f);
      out[at + 1] = a.type & 0xff;
      out[at + 2] = (a.value >> 8) & 0xff;
      out[at + 3] = a.value & 0xff;
      at += 4;
    } else {
      out[at] = (a.type >> 8) & 0x7f;
      out[at + 1] = a.type & 0xff;
      out[at + 2] = (a.bytes.length >> 8) & 0xff;
      out[at + 3] = a.bytes.length & 0xff;
      out.set(a.bytes, at + 4);
      at += 4 + a.bytes.length;
    }
  }
  return at;
}

export function decodeAttributes(b: Uint8Array, where: string): Decoded<SaAttribute[]> {
  const attrs: SaAttribute[] = [];
  let at = 0;
  while (at < b.length) {
    if (attrs.length >= MAX_ATTRIBUTES) return fail(new IsakmpDecodeError('too-many', where));
    if (b.length - at < 4) return fail(new IsakmpDecodeError('bad-attribute', where));
    const t = (b[at]! << 8) | b[at + 1]!;
    const v = (b[at + 2]! << 8) | b[at + 3]!;
    if (t & 0x8000) {
      attrs.push({ type: t & 0x7fff, value: v });
      at += 4;
    } else {
      if (at + 4 + v > b.length) return fail(new IsakmpDecodeError('bad-attribute', where));
      attrs.push({ type: t, bytes: b.subarray(at + 4, at + 4 + v) });
      at += 4 + v;
    }
  }
  return ok(attrs);
}
