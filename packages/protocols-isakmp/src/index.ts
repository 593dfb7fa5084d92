/**
 * @conduits/protocols-isakmp: ISAKMP / IKEv1 (RFC 2408, 2409, 2407) for conduit graphs
 * (Java Conduits §4.3, Figure 9).
 */
export * from './codec/constants.js';
export { attr, attrValue, decodeAttributes, type SaAttribute } from './codec/attributes.js';
export { cookiePair, decodeHeader, encodeHeader, hexOf, isZeroCookie, MAX_MESSAGE_LENGTH, ZERO_COOKIE, type CookiePair, type IsakmpHeader } from './codec/header.js';
export { decodePayloadBody, payloadKindOf, payloadTypeOf, MAX_DELETE_SPIS, MAX_PROPOSALS, MAX_TRANSFORMS, type DecodedPayload, type Payload, type PayloadKind, type PayloadOf, type Proposal, type Transform } from './codec/payloads.js';
export { decodeMessage, decodePayloads, encodeMessage, encodePayloads, find, findAll, firstPayloadType, MAX_PAYLOADS, payloadsLength, type RawMessage } from './codec/message.js';
export type { Decoded } from './codec/result.js';
export { IsakmpConfigError, IsakmpDecodeError, IsakmpError, IsakmpExchangeError, type DecodeReason } from './errors.js';
export { deriveSkeyidFamily, encryptionKey, keymat, phase1Iv, phase2Iv, prf, skeyidPreSharedKey, skeyidSignature, type PrfHash, type SkeyidFamily } from './cipher/skeyid.js';
