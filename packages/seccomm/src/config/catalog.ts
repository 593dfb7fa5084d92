/**
 * The micro-protocols a SecComm composition is made of (SecComm §3.3), by name, with what
 * each one needs. The paper's classes keep their roles under modern algorithms:
 * DESPrivacy → the AES and ChaCha20 privacy micro-protocols, RSAPrivacy → public-key-privacy (X25519 + AEAD),
 * RSAAuthenticity / RSADigestAuthenticity → signature-authenticity / signature-digest-
 * authenticity (Ed25519, ECDSA P-256), DESDigestAuthenticity → keyed-digest-authenticity.
 */
export type MicroProtocolClass =
  | 'privacy'
  | 'integrity'
  | 'authenticity'
  | 'replay-prevention'
  | 'non-repudiation'
  | 'key-creation'
  | 'key-distribution'
  | 'public-key-acquisition'
  | 'security-audit';

export interface CatalogEntry {
  readonly class: MicroProtocolClass;
  /** Bytes of the shared secret it uses from the Keys table (secret-key micro-protocols). */
  readonly keyLength?: number;
  /** Needs the peer's public key (PublicKeys: predefined or acquired on keyMiss). */
  readonly publicKey?: boolean;
  /** Needs our own private key (predefined). */
  readonly privateKey?: boolean;
  /** Needs a digest made by an integrity micro-protocol. */
  readonly needsDigest?: boolean;
  /** A plain (unkeyed) digest: it must itself be protected (§2.2). */
  readonly plainDigest?: boolean;
  /** Why it is weak, when it is. */
  readonly weak?: string;
  readonly describe: string;
}

export const catalog = {
  // Privacy (§3.3.2)
  'aes-128-cbc-privacy': {
    class: 'privacy',
    keyLength: 16,
    describe: "AES-128-CBC with a shared key (DESPrivacy's role)",
  },
  'aes-256-cbc-privacy': {
    class: 'privacy',
    keyLength: 32,
    describe: 'AES-256-CBC with a shared key',
  },
  'aes-128-ctr-privacy': {
    class: 'privacy',
    keyLength: 16,
    describe: 'AES-128-CTR with a shared key',
  },
  'aes-128-gcm-privacy': {
    class: 'privacy',
    keyLength: 16,
    describe: 'AES-128-GCM with a shared key',
  },
  'aes-256-gcm-privacy': {
    class: 'privacy',
    keyLength: 32,
    describe: 'AES-256-GCM with a shared key',
  },
  'chacha20-poly1305-privacy': {
    class: 'privacy',
    keyLength: 32,
    describe: 'ChaCha20-Poly1305 with a shared key',
  },
  'public-key-privacy': {
    class: 'privacy',
    publicKey: true,
    describe: "X25519 + AEAD to the receiver's public key (RSAPrivacy's role)",
  },
  'one-time-pad-privacy': { class: 'privacy', describe: 'one-time pad from a shared file' },
  'caesar-privacy': {
    class: 'privacy',
    keyLength: 1,
    weak: 'a Caesar cipher hides nothing',
    describe: "the paper's trivial Caesar cipher",
  },
  // Integrity (§3.3.3)
  'sha256-digest': { class: 'integrity', plainDigest: true, describe: 'SHA-256 digest' },
  'sha512-digest': { class: 'integrity', plainDigest: true, describe: 'SHA-512 digest' },
  'sha1-digest': {
    class: 'integrity',
    plainDigest: true,
    weak: "SHA-1 collisions are practical (legacy, for the paper's classes)",
    describe: 'SHA-1 digest',
  },
  'md5-digest': {
    class: 'integrity',
    plainDigest: true,
    weak: "MD5 is broken (legacy, for the paper's classes)",
    describe: 'MD5 digest',
  },
  'hmac-sha256-integrity': {
    class: 'integrity',
    keyLength: 32,
    describe: 'HMAC-SHA-256 keyed digest',
  },
  // Authenticity (§3.3.4)
  'signature-authenticity': {
    class: 'authenticity',
    publicKey: true,
    privateKey: true,
    describe: "signature over the whole message (RSAAuthenticity's role)",
  },
  'signature-digest-authenticity': {
    class: 'authenticity',
    publicKey: true,
    privateKey: true,
    needsDigest: true,
    describe: "signature over the digest only (RSADigestAuthenticity's role)",
  },
  'keyed-digest-authenticity': {
    class: 'authenticity',
    keyLength: 32,
    needsDigest: true,
    describe: "digest encrypted with a shared key (DESDigestAuthenticity's role)",
  },
  'consistency-check': {
    class: 'authenticity',
    describe: 'redundancy checked after decryption (ConsistencyCheck)',
  },
  // Replay prevention (§3.3.5)
  'timestamp-replay-prevention': {
    class: 'replay-prevention',
    describe: 'timestamps with a cache of recent messages',
  },
  'sequence-replay-prevention': { class: 'replay-prevention', describe: 'sequence numbers' },
  // Non-repudiation
  'non-repudiation': {
    class: 'non-repudiation',
    describe: 'the receiver keeps each message as signed by the sender, in an append-only file',
  },
  // Keys (§3.3.6)
  'random-key-creation': { class: 'key-creation', describe: 'keys from the CSPRNG' },
  'derived-key-creation': {
    class: 'key-creation',
    describe: 'keys derived (HKDF) from shared material',
  },
  'client-key-distribution': {
    class: 'key-distribution',
    describe: 'the client creates the key and sends it',
  },
  'server-key-distribution': {
    class: 'key-distribution',
    describe: 'the server creates the key and sends it',
  },
  'dh-key-distribution': { class: 'key-distribution', describe: 'X25519 Diffie-Hellman' },
  'kdc-key-distribution': {
    class: 'key-distribution',
    describe: 'a key distribution center on the network (Kerberos style)',
  },
  // Public keys (§3.3.7)
  'ca-public-key-acquisition': {
    class: 'public-key-acquisition',
    describe: 'signed certificates fetched from a CA server on keyMiss',
  },
  'security-audit': { class: 'security-audit', describe: 'records every securityAlert' },
} as const satisfies Record<string, CatalogEntry>;

export type MicroProtocolName = keyof typeof catalog;

export function isMicroProtocol(name: string): name is MicroProtocolName {
  return Object.hasOwn(catalog, name);
}
