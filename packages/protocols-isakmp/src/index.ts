/**
 * @conduits/protocols-isakmp: ISAKMP / IKEv1 (RFC 2408, 2409, 2407) for conduit graphs
 * (Java Conduits §4.3, Figure 9).
 */
export * from './codec/constants.js';
export { attr, attrValue, decodeAttributes, type SaAttribute } from './codec/attributes.js';
export {
  cookiePair,
  decodeHeader,
  encodeHeader,
  hexOf,
  isZeroCookie,
  MAX_MESSAGE_LENGTH,
  ZERO_COOKIE,
  type CookiePair,
  type IsakmpHeader,
} from './codec/header.js';
export {
  decodePayloadBody,
  payloadKindOf,
  payloadTypeOf,
  MAX_DELETE_SPIS,
  MAX_PROPOSALS,
  MAX_TRANSFORMS,
  type DecodedPayload,
  type Payload,
  type PayloadKind,
  type PayloadOf,
  type Proposal,
  type Transform,
} from './codec/payloads.js';
export {
  decodeMessage,
  decodePayloads,
  encodeMessage,
  encodePayloads,
  find,
  findAll,
  firstPayloadType,
  MAX_PAYLOADS,
  payloadsLength,
  type RawMessage,
} from './codec/message.js';
export type { Decoded } from './codec/result.js';
export {
  IsakmpConfigError,
  IsakmpDecodeError,
  IsakmpError,
  IsakmpExchangeError,
  type DecodeReason,
} from './errors.js';
export {
  deriveSkeyidFamily,
  encryptionKey,
  keymat,
  phase1Iv,
  phase2Iv,
  prf,
  skeyidPreSharedKey,
  skeyidSignature,
  type PrfHash,
  type SkeyidFamily,
} from './cipher/skeyid.js';
export { IsakmpCipher, type Opened, type Phase1Keys } from './cipher/isakmp-cipher.js';
export {
  espSpec,
  parseEsp,
  parsePhase1,
  type EspSuite,
  type Phase1Suite,
} from './policy/algorithms.js';
export type { ChildConfig, IkeConfig, PeerConfig } from './policy/config.js';
export {
  parseRange,
  peerRuntime,
  type ChildRuntime,
  type PeerRuntime,
} from './policy/peer-runtime.js';
export {
  PolicyManager,
  type ChildStatus,
  type IkeEvent,
  type IkeSaStatus,
  type IsakmpStarter,
} from './policy/policy-manager.js';
export { IsakmpAssociation, type AssociationState } from './sa/association.js';
export type { ChildSaResult } from './tasks/quick-mode.js';
export { ikePeer, ikePeerPort } from './conduits/attributes.js';
export { hostTransport, IkeUdpAdaptor, type IkeTransport } from './conduits/ike-udp-adaptor.js';
export { IsakmpNode, type IsakmpNodeOptions } from './conduits/isakmp-graph.js';
export { ikePeerHost, type IkePeerHost, type IkePeerHostOptions } from './ike-host.js';
