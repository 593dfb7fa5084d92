import { ed25519 } from '@noble/curves/ed25519.js';
import {
  aeadKeyLength,
  cipherKeyLength,
  hashLength,
  macHash,
  type AeadAlgorithm,
  type CipherAlgorithm,
  type MacAlgorithm,
} from './algorithms.js';
import { InvalidKeyError, InvalidParameterError } from './errors.js';

/** Argument checks shared by the engines, so both refuse exactly the same inputs. */
export function checkAead(algorithm: AeadAlgorithm, key: Uint8Array): void {
  if (key.length !== aeadKeyLength[algorithm])
    throw new InvalidKeyError(algorithm, `key must be ${aeadKeyLength[algorithm]} bytes`);
}

export function checkCipher(algorithm: CipherAlgorithm, key: Uint8Array): void {
  if (key.length !== cipherKeyLength[algorithm])
    throw new InvalidKeyError(algorithm, `key must be ${cipherKeyLength[algorithm]} bytes`);
}

export interface MacOptions {
  /**
   * Accept keys down to this many bytes. Only known-answer tests (RFC 2202's "Jefe") and
   * legacy peers need it; at least 1. @default hmacMinKeyLength(algorithm)
   */
  readonly minKeyLength?: number;
}

/**
 * The shortest HMAC key we take: half the hash output, and never under 16 bytes (md5, sha1,
 * sha256: 16; sha384: 24; sha512: 32). RFC 2104 §3: "keys shorter than L bytes are strongly
 * discouraged as it would decrease the security strength of the function"; half of L keeps
 * the strength at the hash's collision level, 16 bytes at 128 bits.
 */
export function hmacMinKeyLength(algorithm: MacAlgorithm): number {
  return Math.max(16, hashLength[macHash[algorithm]] / 2);
}

/** Returns the output length after truncation. */
export function checkMac(
  algorithm: MacAlgorithm,
  key: Uint8Array,
  truncateTo?: number,
  options: MacOptions = {},
): number {
  const full = hashLength[macHash[algorithm]];
  const min = options.minKeyLength ?? hmacMinKeyLength(algorithm);
  if (!Number.isInteger(min) || min < 1)
    throw new InvalidParameterError(algorithm, `minimum key length ${min}`);
  if (key.length < min)
    throw new InvalidKeyError(
      algorithm,
      key.length === 0 ? 'empty key' : `key shorter than ${min} bytes (RFC 2104 §3)`,
    );
  const out = truncateTo ?? full;
  if (!Number.isInteger(out) || out < 4 || out > full)
    throw new InvalidParameterError(algorithm, `truncation to ${truncateTo} bytes`);
  return out;
}

/** CBC takes whole blocks (ESP pads before encrypting); both modes take a 16-byte IV or counter block. */
export function checkCipherInput(
  algorithm: CipherAlgorithm,
  iv: Uint8Array,
  data: Uint8Array,
): void {
  if (iv.length !== 16)
    throw new InvalidParameterError(algorithm, 'IV / counter block must be 16 bytes');
  if (algorithm.endsWith('-cbc') && data.length % 16 !== 0)
    throw new InvalidParameterError(algorithm, 'data must be whole 16-byte blocks');
}

/** Nonce and tag length rules, the same for every engine. */
export function checkAeadCall(
  algorithm: AeadAlgorithm,
  nonce: Uint8Array,
  tagLength: number,
): void {
  if (nonce.length !== 12) throw new InvalidParameterError(algorithm, 'nonce must be 12 bytes');
  const allowed = algorithm === 'chacha20-poly1305' ? [16] : [8, 12, 16];
  if (!allowed.includes(tagLength))
    throw new InvalidParameterError(algorithm, `tag length ${tagLength} not supported`);
}

/**
 * Ed25519 public keys of small order (the identity and the torsion points) are refused: with
 * the identity, R = identity and S = 0 verify for any message (RFC 8032 verification alone
 * does not exclude them). Undecodable keys are refused too.
 */
export function ed25519PublicKeyAcceptable(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey).isSmallOrder();
  } catch {
    return false;
  }
}

/** scrypt parameters both engines accept: N a power of two > 1, r and p positive, 16..64 output bytes. */
export function checkScrypt(params: {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly dkLen: number;
}): void {
  const { N, r, p, dkLen } = params;
  const ok =
    Number.isInteger(N) &&
    N > 1 &&
    (N & (N - 1)) === 0 &&
    N <= 2 ** 22 &&
    Number.isInteger(r) &&
    r > 0 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p > 0 &&
    p <= 16 &&
    Number.isInteger(dkLen) &&
    dkLen >= 16 &&
    dkLen <= 64;
  if (!ok)
    throw new InvalidParameterError(
      'scrypt',
      'N must be a power of two (2..2^22), r 1..32, p 1..16, dkLen 16..64',
    );
}
