/**
 * ISAKMP payloads, RFC 2408 §3.4-3.15, with the IPsec DOI's forms (RFC 2407 §4.6) and NAT-T's
 * (RFC 3947 §3.2, §5.2). A payload is a plain object tagged by `kind`; `encodePayloadBody`
 * writes what follows the generic header and `decodePayloadBody` reads it back, returning a
 * typed error (never throwing) for malformed bytes.
 */
import { IsakmpDecodeError } from '../errors.js';
import {
  attributesLength,
  decodeAttributes,
  writeAttributes,
  type SaAttribute,
} from './attributes.js';
import { GENERIC_HEADER_LENGTH, IPSEC_DOI, PayloadType, SIT_IDENTITY_ONLY } from './constants.js';
import { fail, ok, type Decoded } from './result.js';

export interface Transform {
  readonly number: number;
  readonly id: number;
  readonly attributes: readonly SaAttribute[];
}

export interface Proposal {
  readonly number: number;
  readonly protocolId: number;
  readonly spi: Uint8Array;
  readonly transforms: readonly Transform[];
}

export type Payload =
  | {
      readonly kind: 'sa';
      readonly doi: number;
      readonly situation: number;
      readonly proposals: readonly Proposal[];
    }
  | { readonly kind: 'ke'; readonly data: Uint8Array }
  | {
      readonly kind: 'id';
      readonly idType: number;
      readonly protocolId: number;
      readonly port: number;
      readonly data: Uint8Array;
    }
  | { readonly kind: 'cert'; readonly encoding: number; readonly data: Uint8Array }
  | { readonly kind: 'cr'; readonly certType: number; readonly data: Uint8Array }
  | { readonly kind: 'hash'; readonly data: Uint8Array }
  | { readonly kind: 'sig'; readonly data: Uint8Array }
  | { readonly kind: 'nonce'; readonly data: Uint8Array }
  | {
      readonly kind: 'n';
      readonly doi: number;
      readonly protocolId: number;
      readonly spi: Uint8Array;
      readonly notifyType: number;
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'd';
      readonly doi: number;
      readonly protocolId: number;
      readonly spis: readonly Uint8Array[];
    }
  | { readonly kind: 'vid'; readonly data: Uint8Array }
  | { readonly kind: 'nat-d'; readonly data: Uint8Array }
  | { readonly kind: 'nat-oa'; readonly idType: number; readonly data: Uint8Array };

export type PayloadKind = Payload['kind'];
export type PayloadOf<K extends PayloadKind> = Extract<Payload, { kind: K }>;

/** A decoded payload keeps its body's bytes (after the generic header): RFC 2409 hashes them (SAi_b, IDii_b). */
export type DecodedPayload = Payload & { readonly body: Uint8Array; readonly raw: Uint8Array };

export const payloadTypeOf: Record<PayloadKind, number> = {
  sa: PayloadType.SA,
  ke: PayloadType.KE,
  id: PayloadType.ID,
  cert: PayloadType.CERT,
  cr: PayloadType.CR,
  hash: PayloadType.HASH,
  sig: PayloadType.SIG,
  nonce: PayloadType.NONCE,
  n: PayloadType.N,
  d: PayloadType.D,
  vid: PayloadType.VID,
  'nat-d': PayloadType.NAT_D,
  'nat-oa': PayloadType.NAT_OA,
};

const kindOfType = new Map<number, PayloadKind>(
  Object.entries(payloadTypeOf).map(([k, t]) => [t, k as PayloadKind]),
);
export function payloadKindOf(type: number): PayloadKind | undefined {
  return kindOfType.get(type);
}

/** Bounds on what one SA payload may hold, so a hostile one costs little. */
export const MAX_PROPOSALS = 32;
export const MAX_TRANSFORMS = 64;
export const MAX_DELETE_SPIS = 256;

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
function put16(b: Uint8Array, at: number, v: number) {
  b[at] = (v >> 8) & 0xff;
  b[at + 1] = v & 0xff;
}
function put32(b: Uint8Array, at: number, v: number) {
  put16(b, at, (v >>> 16) & 0xffff);
  put16(b, at + 2, v & 0xffff);
}

function transformLength(t: Transform): number {
  return GENERIC_HEADER_LENGTH + 4 + attributesLength(t.attributes);
}
function proposalLength(p: Proposal): number {
  let n = GENERIC_HEADER_LENGTH + 4 + p.spi.length;
  for (const t of p.transforms) n += transformLength(t);
  return n;
}

export function payloadBodyLength(p: Payload): number {
  switch (p.kind) {
    case 'sa': {
      let n = 8;
      for (const x of p.proposals) n += proposalLength(x);
      return n;
    }
    case 'id':
      return 4 + p.data.length;
    case 'cert':
    case 'cr':
      return 1 + p.data.length;
    case 'n':
      return 8 + p.spi.length + p.data.length;
    case 'd':
      return 8 + p.spis.reduce((n, s) => n + s.length, 0);
    case 'nat-oa':
      return 4 + p.data.length;
    default:
      return p.data.length;
  }
}

/** Write `p`'s body (after the generic header) at `at`; returns the end. */
export function writePayloadBody(p: Payload, out: Uint8Array, at: number): number {
  switch (p.kind) {
    case 'sa': {
      put32(out, at, p.doi);
      put32(out, at + 4, p.situation);
      at += 8;
      p.proposals.forEach((prop, i) => {
        out[at] = i + 1 < p.proposals.length ? PayloadType.PROPOSAL : PayloadType.NONE;
        out[at + 1] = 0;
        put16(out, at + 2, proposalLength(prop));
        out[at + 4] = prop.number;
        out[at + 5] = prop.protocolId;
        out[at + 6] = prop.spi.length;
        out[at + 7] = prop.transforms.length;
        out.set(prop.spi, at + 8);
        at += 8 + prop.spi.length;
        prop.transforms.forEach((t, j) => {
          out[at] = j + 1 < prop.transforms.length ? PayloadType.TRANSFORM : PayloadType.NONE;
          out[at + 1] = 0;
          put16(out, at + 2, transformLength(t));
          out[at + 4] = t.number;
          out[at + 5] = t.id;
          out[at + 6] = 0;
          out[at + 7] = 0;
          at = writeAttributes(t.attributes, out, at + 8);
        });
      });
      return at;
    }
    case 'id':
      out[at] = p.idType;
      out[at + 1] = p.protocolId;
      put16(out, at + 2, p.port);
      out.set(p.data, at + 4);
      return at + 4 + p.data.length;
    case 'cert':
      out[at] = p.encoding;
      out.set(p.data, at + 1);
      return at + 1 + p.data.length;
    case 'cr':
      out[at] = p.certType;
      out.set(p.data, at + 1);
      return at + 1 + p.data.length;
    case 'n':
      put32(out, at, p.doi);
      out[at + 4] = p.protocolId;
      out[at + 5] = p.spi.length;
      put16(out, at + 6, p.notifyType);
      out.set(p.spi, at + 8);
      out.set(p.data, at + 8 + p.spi.length);
      return at + 8 + p.spi.length + p.data.length;
    case 'd': {
      put32(out, at, p.doi);
      out[at + 4] = p.protocolId;
      out[at + 5] = p.spis[0]?.length ?? 0;
      put16(out, at + 6, p.spis.length);
      at += 8;
      for (const s of p.spis) {
        out.set(s, at);
        at += s.length;
      }
      return at;
    }
    case 'nat-oa':
      out[at] = p.idType;
      out[at + 1] = 0;
      out[at + 2] = 0;
      out[at + 3] = 0;
      out.set(p.data, at + 4);
      return at + 4 + p.data.length;
    default:
      out.set(p.data, at);
      return at + p.data.length;
  }
}

function decodeProposals(b: Uint8Array, where: string): Decoded<Proposal[]> {
  const proposals: Proposal[] = [];
  let at = 0;
  let next: number = PayloadType.PROPOSAL;
  while (next === PayloadType.PROPOSAL) {
    if (proposals.length >= MAX_PROPOSALS) return fail(new IsakmpDecodeError('too-many', where));
    if (b.length - at < 8) return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
    next = b[at]!;
    const len = u16(b, at + 2);
    if (len < 8 || at + len > b.length)
      return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
    if (next !== PayloadType.PROPOSAL && next !== PayloadType.NONE)
      return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
    const spiSize = b[at + 6]!;
    const count = b[at + 7]!;
    if (8 + spiSize > len) return fail(new IsakmpDecodeError('invalid-spi', where));
    if (count > MAX_TRANSFORMS) return fail(new IsakmpDecodeError('too-many', where));
    const body = b.subarray(at + 8 + spiSize, at + len);
    const transforms: Transform[] = [];
    let t = 0;
    let tnext: number = count > 0 ? PayloadType.TRANSFORM : PayloadType.NONE;
    while (tnext === PayloadType.TRANSFORM) {
      if (body.length - t < 8) return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
      tnext = body[t]!;
      const tlen = u16(body, t + 2);
      if (tlen < 8 || t + tlen > body.length)
        return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
      if (tnext !== PayloadType.TRANSFORM && tnext !== PayloadType.NONE)
        return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
      const attrs = decodeAttributes(body.subarray(t + 8, t + tlen), where);
      if (!attrs.ok) return attrs;
      transforms.push({ number: body[t + 4]!, id: body[t + 5]!, attributes: attrs.value });
      t += tlen;
    }
    // RFC 2408 §3.5: "# of Transforms" must agree with the chain, and the chain must fill the proposal.
    if (transforms.length !== count || t !== body.length)
      return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
    proposals.push({
      number: b[at + 4]!,
      protocolId: b[at + 5]!,
      spi: b.subarray(at + 8, at + 8 + spiSize),
      transforms,
    });
    at += len;
  }
  if (at !== b.length || proposals.length === 0)
    return fail(new IsakmpDecodeError('bad-proposal-syntax', where));
  return ok(proposals);
}

/** Decode one payload's body (the bytes after its generic header). */
export function decodePayloadBody(type: number, b: Uint8Array): Decoded<Payload> {
  const kind = kindOfType.get(type);
  if (kind === undefined)
    return fail(new IsakmpDecodeError('invalid-payload-type', `payload ${type}`));
  switch (kind) {
    case 'sa': {
      if (b.length < 8) return fail(new IsakmpDecodeError('truncated', 'sa'));
      const doi = u32(b, 0);
      // RFC 2408 §3.4: DOI 0 is ISAKMP's own (phase-1 in some stacks); we speak the IPsec DOI only.
      if (doi !== IPSEC_DOI) return fail(new IsakmpDecodeError('doi-not-supported', 'sa'));
      const situation = u32(b, 4);
      if (situation !== SIT_IDENTITY_ONLY)
        return fail(new IsakmpDecodeError('situation-not-supported', 'sa'));
      const proposals = decodeProposals(b.subarray(8), 'sa');
      if (!proposals.ok) return proposals;
      return ok({ kind, doi, situation, proposals: proposals.value });
    }
    case 'id':
      if (b.length < 4) return fail(new IsakmpDecodeError('truncated', 'id'));
      return ok({ kind, idType: b[0]!, protocolId: b[1]!, port: u16(b, 2), data: b.subarray(4) });
    case 'cert':
      if (b.length < 1) return fail(new IsakmpDecodeError('truncated', 'cert'));
      return ok({ kind, encoding: b[0]!, data: b.subarray(1) });
    case 'cr':
      if (b.length < 1) return fail(new IsakmpDecodeError('truncated', 'cr'));
      return ok({ kind, certType: b[0]!, data: b.subarray(1) });
    case 'n': {
      if (b.length < 8) return fail(new IsakmpDecodeError('truncated', 'n'));
      const spiSize = b[5]!;
      if (8 + spiSize > b.length) return fail(new IsakmpDecodeError('invalid-spi', 'n'));
      return ok({
        kind,
        doi: u32(b, 0),
        protocolId: b[4]!,
        spi: b.subarray(8, 8 + spiSize),
        notifyType: u16(b, 6),
        data: b.subarray(8 + spiSize),
      });
    }
    case 'd': {
      if (b.length < 8) return fail(new IsakmpDecodeError('truncated', 'd'));
      const spiSize = b[5]!;
      const count = u16(b, 6);
      if (count > MAX_DELETE_SPIS) return fail(new IsakmpDecodeError('too-many', 'd'));
      if (spiSize === 0 || 8 + spiSize * count !== b.length)
        return fail(new IsakmpDecodeError('invalid-spi', 'd'));
      const spis: Uint8Array[] = [];
      for (let i = 0; i < count; i++) spis.push(b.subarray(8 + i * spiSize, 8 + (i + 1) * spiSize));
      return ok({ kind, doi: u32(b, 0), protocolId: b[4]!, spis });
    }
    case 'nat-oa':
      if (b.length < 4) return fail(new IsakmpDecodeError('truncated', 'nat-oa'));
      return ok({ kind, idType: b[0]!, data: b.subarray(4) });
    default:
      // KE, HASH, SIG, NONCE, VID, NAT-D: opaque data. RFC 2409 §5: nonces are 8 to 256 bytes.
      if (kind === 'nonce' && (b.length < 8 || b.length > 256))
        return fail(new IsakmpDecodeError('payload-malformed', 'nonce'));
      if (
        (kind === 'ke' || kind === 'hash' || kind === 'sig' || kind === 'nat-d') &&
        b.length === 0
      )
        return fail(new IsakmpDecodeError('truncated', kind));
      return ok({ kind, data: b });
  }
}
