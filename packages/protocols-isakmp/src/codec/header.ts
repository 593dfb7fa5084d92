/**
 * The ISAKMP header, RFC 2408 §3.1: initiator cookie (8), responder cookie (8), next payload,
 * version (major 1, minor 0), exchange type, flags, message id (4), length (4) — 28 bytes.
 */
import { IsakmpDecodeError } from '../errors.js';
import { HEADER_LENGTH, ISAKMP_VERSION } from './constants.js';
import { fail, ok, type Decoded } from './result.js';

/** Cookies are 8 opaque bytes; a branded hex string keys maps and muxes. */
export type CookiePair = string & { readonly __brand: 'CookiePair' };

export interface IsakmpHeader {
  readonly initiatorCookie: Uint8Array;
  readonly responderCookie: Uint8Array;
  readonly nextPayload: number;
  readonly exchangeType: number;
  readonly flags: number;
  readonly messageId: number;
  readonly length: number;
}

/** Largest message we accept: one UDP datagram. */
export const MAX_MESSAGE_LENGTH = 65_535;

export function decodeHeader(bytes: Uint8Array): Decoded<IsakmpHeader> {
  if (bytes.length < HEADER_LENGTH) return fail(new IsakmpDecodeError('truncated', 'header'));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[17]!;
  if (version >> 4 !== ISAKMP_VERSION >> 4)
    return fail(new IsakmpDecodeError('invalid-major-version', 'header'));
  const length = v.getUint32(24);
  if (length < HEADER_LENGTH || length > bytes.length || length > MAX_MESSAGE_LENGTH)
    return fail(new IsakmpDecodeError('bad-length', 'header'));
  return ok({
    initiatorCookie: bytes.subarray(0, 8),
    responderCookie: bytes.subarray(8, 16),
    nextPayload: bytes[16]!,
    exchangeType: bytes[18]!,
    flags: bytes[19]!,
    messageId: v.getUint32(20),
    length,
  });
}

export function encodeHeader(
  h: Omit<IsakmpHeader, 'length'>,
  length: number,
  out: Uint8Array = new Uint8Array(HEADER_LENGTH),
): Uint8Array {
  out.set(h.initiatorCookie.subarray(0, 8), 0);
  out.set(h.responderCookie.subarray(0, 8), 8);
  out[16] = h.nextPayload;
  out[17] = ISAKMP_VERSION;
  out[18] = h.exchangeType;
  out[19] = h.flags;
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint32(20, h.messageId >>> 0);
  v.setUint32(24, length >>> 0);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x]!;
  return s;
}

/** The mux key of an association: both cookies as hex. */
export function cookiePair(initiator: Uint8Array, responder: Uint8Array): CookiePair {
  return (hexOf(initiator) + hexOf(responder)) as CookiePair;
}

export const ZERO_COOKIE = new Uint8Array(8);
export function isZeroCookie(c: Uint8Array): boolean {
  let x = 0;
  for (let i = 0; i < 8; i++) x |= c[i] ?? 0;
  return x === 0;
}
