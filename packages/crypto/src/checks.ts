import { aeadKeyLength, cipherKeyLength, hashLength, macHash, type AeadAlgorithm, type CipherAlgorithm, type MacAlgorithm } from './algorithms.js';
import { InvalidKeyError, InvalidParameterError } from './errors.js';

/** Argument checks shared by the engines, so both refuse exactly the same inputs. */
export function checkAead(algorithm: AeadAlgorithm, key: Uint8Array): void {
  if (key.length !== aeadKeyLength[algorithm]) throw new InvalidKeyError(algorithm, `key must be ${aeadKeyLength[algorithm]} bytes`);
}

export function checkCipher(algorithm: CipherAlgorithm, key: Uint8Array): void {
  if (key.length !== cipherKeyLength[algorithm]) throw new InvalidKeyError(algorithm, `key must be ${cipherKeyLength[algorithm]} bytes`);
}

/** Returns the output length after truncation. */
export function checkMac(algorithm: MacAlgorithm, key: Uint8Array, truncateTo?: number): number {
  const full = hashLength[macHash[algorithm]];
  if (key.length === 0) throw new InvalidKeyError(algorithm, 'empty key');
  const out = truncateTo ?? full;
  if (!Number.isInteger(out) || out < 4 || out > full) throw new InvalidParameterError(algorithm, `truncation to ${truncateTo} bytes`);
  return out;
}

/** CBC takes whole blocks (ESP pads before encrypting); both modes take a 16-byte IV or counter block. */
export function checkCipherInput(algorithm: CipherAlgorithm, iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16) throw new InvalidParameterError(algorithm, 'IV / counter block must be 16 bytes');
  if (algorithm.endsWith('-cbc') && data.length % 16 !== 0) throw new InvalidParameterError(algorithm, 'data must be whole 16-byte blocks');
}

/** Nonce and tag length rules, the same for every engine. */
export function checkAeadCall(algorithm: AeadAlgorithm, nonce: Uint8Array, tagLength: number): void {
  if (nonce.length !== 12) throw new InvalidParameterError(algorithm, 'nonce must be 12 bytes');
  const allowed = algorithm === 'chacha20-poly1305' ? [16] : [8, 12, 16];
  if (!allowed.includes(tagLength)) throw new InvalidParameterError(algorithm, `tag length ${tagLength} not supported`);
}

/** scrypt parameters both engines accept: N a power of two > 1, r and p positive, 16..64 output bytes. */
export function checkScrypt(params: { readonly N: number; readonly r: number; readonly p: number; readonly dkLen: number }): void {
  const { N, r, p, dkLen } = params;
  const ok = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0 && N <= 2 ** 22 && Number.isInteger(r) && r > 0 && r <= 32 && Number.isInteger(p) && p > 0 && p <= 16 && Number.isInteger(dkLen) && dkLen >= 16 && dkLen <= 64;
  if (!ok) throw new InvalidParameterError('scrypt', 'N must be a power of two (2..2^22), r 1..32, p 1..16, dkLen 16..64');
}
