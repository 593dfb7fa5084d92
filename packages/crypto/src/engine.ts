import type { MacOptions } from './checks.js';
import type { Group, GroupName } from './group.js';
import type {
  AeadAlgorithm,
  CipherAlgorithm,
  HashAlgorithm,
  KeyAgreementGroup,
  MacAlgorithm,
  SignatureAlgorithm,
} from './algorithms.js';

/** scrypt cost: N (a power of two), r, p and the output length in bytes. RFC 7914 §2. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly dkLen: number;
}

/** Anything holding secret material: `destroy()` wipes it; using it afterwards throws KeyDestroyedError. */
export interface Destroyable {
  readonly destroyed: boolean;
  destroy(): void;
}

/** An AEAD key. `seal` returns ciphertext ‖ tag; `open` returns the plaintext, or null when the tag does not verify. */
export interface AeadKey extends Destroyable {
  readonly algorithm: AeadAlgorithm;
  /** Nonce length in bytes (12 for all of ours). */
  readonly nonceLength: number;
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: number): Uint8Array;
  open(
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
    tagLength?: number,
  ): Uint8Array | null;
}

/** An unauthenticated cipher key. For CBC `iv` is the IV and data must be whole blocks; for CTR `iv` is the 16-byte initial counter block. */
export interface CipherKey extends Destroyable {
  readonly algorithm: CipherAlgorithm;
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** A MAC key, optionally truncating its output (HMAC-SHA-1-96: 12 bytes, ...). `verify` compares in constant time. */
export interface MacKey extends Destroyable {
  readonly algorithm: MacAlgorithm;
  readonly outputLength: number;
  compute(...parts: Uint8Array[]): Uint8Array;
  verify(tag: Uint8Array, ...parts: Uint8Array[]): boolean;
}

/** One side's ephemeral or static key agreement key. */
export interface KeyAgreementKey extends Destroyable {
  readonly group: KeyAgreementGroup;
  /** The public value as sent on the wire (X25519: 32 bytes; P-256: x‖y, 64 bytes, as in IKE; MODP: big-endian, padded to the prime length). */
  readonly publicKey: Uint8Array;
  /** The shared secret (P-256: the x coordinate, as IKE uses it). Throws InvalidKeyError for an invalid peer value. */
  deriveShared(peerPublic: Uint8Array): Uint8Array;
}

export interface SigningKey extends Destroyable {
  readonly algorithm: SignatureAlgorithm;
  /** Ed25519: 32 bytes; ECDSA P-256: uncompressed SEC1 point (65 bytes). */
  readonly publicKey: Uint8Array;
  /** Ed25519: 64 bytes; ECDSA: r‖s, 64 bytes (IEEE P1363). */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The provider/engine of Java Conduits §3.3: protocol code asks for algorithms by name and
 * never imports a crypto library itself. Every engine gives byte-identical results for the
 * same inputs (ECDSA signatures are randomized in OpenSSL, so those are checked by verifying
 * across engines instead).
 */
export interface CryptoEngine {
  readonly name: string;
  aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey;
  cipher(algorithm: CipherAlgorithm, key: Uint8Array): CipherKey;
  /** Keys shorter than `hmacMinKeyLength(algorithm)` throw InvalidKeyError unless `options.minKeyLength` allows them. */
  mac(algorithm: MacAlgorithm, key: Uint8Array, truncateTo?: number, options?: MacOptions): MacKey;
  hash(algorithm: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array;
  hkdf(
    hash: HashAlgorithm,
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Uint8Array;
  /** scrypt (RFC 7914), the memory-hard KDF for password-derived keys: never a fast hash. */
  scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Uint8Array;
  /**
   * A new random key pair, or one from a given private value (for known-answer tests and
   * static keys). MODP private exponents must be 32 bytes up to the prime's length and give a
   * public value 1 < y < p-1 (InvalidKeyError otherwise).
   */
  keyAgreement(group: KeyAgreementGroup, privateKey?: Uint8Array): KeyAgreementKey;
  signingKey(algorithm: SignatureAlgorithm, privateKey?: Uint8Array): SigningKey;
  /** False for any signature under an Ed25519 public key of small order (see ed25519PublicKeyAcceptable). */
  verify(
    algorithm: SignatureAlgorithm,
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  randomBytes(n: number): Uint8Array;
  /** Prime-order group arithmetic (scalars, points, hashing to scalars) for threshold protocols; both engines use @noble/curves. */
  group(name: GroupName): Group;
}
