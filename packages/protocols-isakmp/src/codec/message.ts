/**
 * Whole ISAKMP messages, RFC 2408 §3: the header, then a chain of payloads each naming the
 * next. With the E flag the chain after the header is encrypted (the Cipher's business);
 * `decodeMessage` then hands back the ciphertext and `decodePayloads` reads the plaintext,
 * whose CBC padding after the last payload it skips (RFC 2409 §5.3 / RFC 2408 §3.1).
 */
import { IsakmpDecodeError } from '../errors.js';
import { GENERIC_HEADER_LENGTH, HEADER_LENGTH, PayloadType } from './constants.js';
import { decodeHeader, encodeHeader, type IsakmpHeader } from './header.js';
import {
  decodePayloadBody,
  payloadBodyLength,
  payloadTypeOf,
  writePayloadBody,
  type DecodedPayload,
  type Payload,
} from './payloads.js';
import { fail, ok, type Decoded } from './result.js';

/** At most this many payloads in one message: more is a flood, not a negotiation. */
export const MAX_PAYLOADS = 64;

export interface RawMessage {
  readonly header: IsakmpHeader;
  /** The bytes after the header up to the header's length (ciphertext when the E flag is set). */
  readonly body: Uint8Array;
  /** The message as received, up to the header's length. */
  readonly bytes: Uint8Array;
}

export function decodeMessage(bytes: Uint8Array): Decoded<RawMessage> {
  const h = decodeHeader(bytes);
  if (!h.ok) return h;
  return ok({
    header: h.value,
    body: bytes.subarray(HEADER_LENGTH, h.value.length),
    bytes: bytes.subarray(0, h.value.length),
  });
}

/** The encoded length of a payload chain. */
export function payloadsLength(payloads: readonly Payload[]): number {
  let n = 0;
  for (const p of payloads) n += GENERIC_HEADER_LENGTH + payloadBodyLength(p);
  return n;
}

/** Encode a payload chain; the first payload's type is `payloadTypeOf[payloads[0].kind]`. */
export function encodePayloads(
  payloads: readonly Payload[],
  out: Uint8Array = new Uint8Array(payloadsLength(payloads)),
  at = 0,
): Uint8Array {
  payloads.forEach((p, i) => {
    const next = payloads[i + 1];
    const len = GENERIC_HEADER_LENGTH + payloadBodyLength(p);
    out[at] = next ? payloadTypeOf[next.kind] : PayloadType.NONE;
    out[at + 1] = 0;
    out[at + 2] = (len >> 8) & 0xff;
    out[at + 3] = len & 0xff;
    const end = writePayloadBody(p, out, at + GENERIC_HEADER_LENGTH);
    if (end !== at + len)
      throw new RangeError(`payload ${p.kind} wrote ${end - at} bytes, expected ${len}`);
    at = end;
  });
  return out;
}

export function firstPayloadType(payloads: readonly Payload[]): number {
  const p = payloads[0];
  return p ? payloadTypeOf[p.kind] : PayloadType.NONE;
}

/** A plaintext message: header and payloads in one buffer. */
export function encodeMessage(
  header: Omit<IsakmpHeader, 'length' | 'nextPayload'>,
  payloads: readonly Payload[],
): Uint8Array {
  const len = HEADER_LENGTH + payloadsLength(payloads);
  const out = new Uint8Array(len);
  encodeHeader({ ...header, nextPayload: firstPayloadType(payloads) }, len, out);
  encodePayloads(payloads, out, HEADER_LENGTH);
  return out;
}

/**
 * Decode a payload chain starting with type `first`. `padded`: bytes may follow the last
 * payload (decrypted CBC padding); otherwise the chain must fill `b` exactly.
 */
export function decodePayloads(
  b: Uint8Array,
  first: number,
  padded = false,
): Decoded<DecodedPayload[]> {
  const out: DecodedPayload[] = [];
  let at = 0;
  let type = first;
  while (type !== PayloadType.NONE) {
    if (out.length >= MAX_PAYLOADS) return fail(new IsakmpDecodeError('too-many', 'message'));
    if (b.length - at < GENERIC_HEADER_LENGTH)
      return fail(new IsakmpDecodeError('truncated', 'message'));
    const next = b[at]!;
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    if (len < GENERIC_HEADER_LENGTH || at + len > b.length)
      return fail(new IsakmpDecodeError('bad-length', `payload ${type}`));
    const body = b.subarray(at + GENERIC_HEADER_LENGTH, at + len);
    const p = decodePayloadBody(type, body);
    if (!p.ok) return p;
    out.push({ ...p.value, body, raw: b.subarray(at, at + len) });
    at += len;
    type = next;
  }
  if (!padded && at !== b.length) return fail(new IsakmpDecodeError('bad-length', 'message'));
  return ok(out);
}

/** The first payload of a kind, typed. */
export function find<K extends DecodedPayload['kind']>(
  payloads: readonly DecodedPayload[],
  kind: K,
): Extract<DecodedPayload, { kind: K }> | undefined {
  return payloads.find((p) => p.kind === kind) as Extract<DecodedPayload, { kind: K }> | undefined;
}
export function findAll<K extends DecodedPayload['kind']>(
  payloads: readonly DecodedPayload[],
  kind: K,
): Extract<DecodedPayload, { kind: K }>[] {
  return payloads.filter((p) => p.kind === kind) as Extract<DecodedPayload, { kind: K }>[];
}
