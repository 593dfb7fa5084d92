/**
 * ISAKMP numbers as the RFCs name them: RFC 2408 §3 (payload and exchange types, notify
 * messages), RFC 2409 Appendix A (phase-1 attributes), RFC 2407 §4 (the IPsec DOI: protocol and
 * transform ids, phase-2 attributes, identification types), RFC 3947 (NAT-D, NAT-OA, the UDP
 * encapsulation modes), RFC 3706 (DPD).
 */

/** RFC 2408 §3.1 next-payload values, RFC 3947 §3.1/§5.1 for NAT-D and NAT-OA. */
export const PayloadType = {
  NONE: 0,
  SA: 1,
  PROPOSAL: 2,
  TRANSFORM: 3,
  KE: 4,
  ID: 5,
  CERT: 6,
  CR: 7,
  HASH: 8,
  SIG: 9,
  NONCE: 10,
  N: 11,
  D: 12,
  VID: 13,
  NAT_D: 20,
  NAT_OA: 21,
} as const;
export type PayloadType = (typeof PayloadType)[keyof typeof PayloadType];

/** RFC 2408 §3.1 exchange types, RFC 2409 §5.5 Quick Mode. */
export const ExchangeType = {
  BASE: 1,
  IDENTITY_PROTECTION: 2,
  AUTHENTICATION_ONLY: 3,
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6,
  QUICK_MODE: 32,
  NEW_GROUP_MODE: 33,
} as const;
export type ExchangeType = (typeof ExchangeType)[keyof typeof ExchangeType];

/** RFC 2408 §3.1 flags. */
export const HeaderFlag = { ENCRYPTION: 0x01, COMMIT: 0x02, AUTHENTICATION_ONLY: 0x04 } as const;

/** RFC 2407 §4.4.1 security protocol ids. */
export const ProtocolId = { ISAKMP: 1, IPSEC_AH: 2, IPSEC_ESP: 3, IPCOMP: 4 } as const;
export type ProtocolId = (typeof ProtocolId)[keyof typeof ProtocolId];

/** RFC 2407 §4.2 the IPsec DOI and its one situation we support. */
export const IPSEC_DOI = 1;
export const SIT_IDENTITY_ONLY = 1;

/** RFC 2409 Appendix A: the one phase-1 transform id. */
export const KEY_IKE = 1;

/** RFC 2409 Appendix A phase-1 SA attribute classes. */
export const Phase1Attribute = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  KEY_LENGTH: 14,
} as const;

/** RFC 2409 Appendix A encryption algorithms (AES-CBC from RFC 3602 §5). */
export const Phase1Encryption = { DES_CBC: 1, TRIPLE_DES_CBC: 5, AES_CBC: 7 } as const;
/** RFC 2409 Appendix A hash algorithms (SHA-2 from RFC 4868 §4 / IANA). */
export const Phase1Hash = { MD5: 1, SHA: 2, SHA2_256: 4, SHA2_384: 5, SHA2_512: 6 } as const;
/** RFC 2409 Appendix A authentication methods (ECDSA from RFC 4754 §5). */
export const AuthMethod = {
  PRE_SHARED_KEY: 1,
  DSS_SIGNATURES: 2,
  RSA_SIGNATURES: 3,
  ECDSA_SHA256_P256: 9,
  ECDSA_SHA384_P384: 10,
} as const;
/** RFC 2409 Appendix A / RFC 2407 §4.5 life types. */
export const LifeType = { SECONDS: 1, KILOBYTES: 2 } as const;

/** RFC 2407 §4.5 IPsec SA attribute classes. */
export const Phase2Attribute = {
  SA_LIFE_TYPE: 1,
  SA_LIFE_DURATION: 2,
  GROUP_DESCRIPTION: 3,
  ENCAPSULATION_MODE: 4,
  AUTHENTICATION_ALGORITHM: 5,
  KEY_LENGTH: 6,
} as const;

/** RFC 2407 §4.5 encapsulation modes, RFC 3947 §5.1 the UDP-encapsulated ones. */
export const EncapsulationMode = {
  TUNNEL: 1,
  TRANSPORT: 2,
  UDP_ENCAPSULATED_TUNNEL: 3,
  UDP_ENCAPSULATED_TRANSPORT: 4,
} as const;

/** RFC 2407 §4.5 authentication algorithms (SHA-2 from RFC 4868 §4). */
export const Phase2Auth = {
  HMAC_MD5: 1,
  HMAC_SHA: 2,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
} as const;

/** RFC 2407 §4.4.4 ESP transform ids (AES-CBC RFC 3602, AES-GCM RFC 4106 §8.1). */
export const EspTransform = {
  ESP_3DES: 3,
  ESP_NULL: 11,
  ESP_AES: 12,
  ESP_AES_GCM_8: 18,
  ESP_AES_GCM_12: 19,
  ESP_AES_GCM_16: 20,
} as const;
/** RFC 2407 §4.4.3 AH transform ids. */
export const AhTransform = {
  AH_MD5: 2,
  AH_SHA: 3,
  AH_SHA2_256: 5,
  AH_SHA2_384: 6,
  AH_SHA2_512: 7,
} as const;

/** RFC 2407 §4.6.2.1 identification types. */
export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  IPV6_ADDR_RANGE: 8,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const;

/** RFC 2408 §3.14.1 notify message types, RFC 2407 §4.6.3 status types, RFC 3706 DPD. */
export const NotifyType = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  SITUATION_NOT_SUPPORTED: 3,
  INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_MINOR_VERSION: 6,
  INVALID_EXCHANGE_TYPE: 7,
  INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9,
  INVALID_PROTOCOL_ID: 10,
  INVALID_SPI: 11,
  INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13,
  NO_PROPOSAL_CHOSEN: 14,
  BAD_PROPOSAL_SYNTAX: 15,
  PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17,
  INVALID_ID_INFORMATION: 18,
  INVALID_CERT_ENCODING: 19,
  INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21,
  INVALID_CERT_AUTHORITY: 22,
  INVALID_HASH_INFORMATION: 23,
  AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25,
  ADDRESS_NOTIFICATION: 26,
  NOTIFY_SA_LIFETIME: 27,
  CERTIFICATE_UNAVAILABLE: 28,
  UNSUPPORTED_EXCHANGE_TYPE: 29,
  UNEQUAL_PAYLOAD_LENGTHS: 30,
  RESPONDER_LIFETIME: 24576,
  REPLAY_STATUS: 24577,
  INITIAL_CONTACT: 24578,
  R_U_THERE: 36136,
  R_U_THERE_ACK: 36137,
} as const;

/** The name of a notify type as the RFC spells it, or its number. */
export function notifyName(type: number): string {
  for (const [k, v] of Object.entries(NotifyType)) if (v === type) return k.replace(/_/g, '-');
  return String(type);
}

/** RFC 2408 §3.1: version 1.0. */
export const ISAKMP_VERSION = 0x10;
/** RFC 2408 §3.1 header, §3.2 generic payload header. */
export const HEADER_LENGTH = 28;
export const GENERIC_HEADER_LENGTH = 4;

/** RFC 3947 §3: the NAT-T vendor id, MD5("RFC 3947"). */
export const NAT_T_VENDOR_ID = Uint8Array.from(
  Buffer.from('4a131c81070358455c5728f20e95452f', 'hex'),
);
/** RFC 3706 §3: the DPD vendor id. */
export const DPD_VENDOR_ID = Uint8Array.from(
  Buffer.from('afcad71368a1f1c96b8696fc77570100', 'hex'),
);
