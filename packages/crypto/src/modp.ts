/**
 * MODP Diffie-Hellman groups: RFC 2409 §6.2 (Oakley group 2, 1024-bit) and RFC 3526 §3
 * (group 14, 2048-bit), generator 2. Shared by both engines.
 */
import { InvalidKeyError } from './errors.js';

export interface ModpGroup {
  readonly name: 'modp1024' | 'modp2048';
  readonly ikeGroup: number;
  readonly bytes: number;
  readonly prime: bigint;
  readonly generator: bigint;
}

const hex = (s: string): bigint => BigInt('0x' + s);

export const modp1024: ModpGroup = {
  name: 'modp1024',
  ikeGroup: 2,
  bytes: 128,
  generator: 2n,
  prime: hex(
    'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
      '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
      '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
      'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece65381ffffffffffffffff',
  ),
};

export const modp2048: ModpGroup = {
  name: 'modp2048',
  ikeGroup: 14,
  bytes: 256,
  generator: 2n,
  prime: hex(
    'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
      '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
      '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
      'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05' +
      '98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb' +
      '9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b' +
      'e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718' +
      '3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffffffffffff',
  ),
};

export function bytesToBigint(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

export function bigintToBytes(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Square-and-multiply. Not constant-time: the node engine (OpenSSL) is the one to use where timing matters. */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** RFC 2631 / SP 800-56A range check on a peer's public value: 1 < y < p - 1. */
export function checkModpPublic(group: ModpGroup, y: Uint8Array): bigint {
  if (y.length !== group.bytes)
    throw new InvalidKeyError(group.name, `public value must be ${group.bytes} bytes`);
  const v = bytesToBigint(y);
  if (v <= 1n || v >= group.prime - 1n)
    throw new InvalidKeyError(group.name, 'public value out of range');
  return v;
}

/** The shortest MODP private exponent we take, in bytes: 256 bits, at least twice the strength of group 14 (RFC 3526 §8). */
export const MODP_MIN_EXPONENT_BYTES = 32;

/**
 * A private exponent must be 32 bytes up to the prime's length, and more than 128 bits of
 * value (a 0-byte exponent gives public value 1; a random 32-byte one is this short with
 * probability 2^-128). Returns the public value g^x mod p, itself checked 1 < y < p-1.
 */
export function modpPublicOf(
  group: ModpGroup,
  x: Uint8Array,
  pow: (exponent: bigint) => bigint,
): Uint8Array {
  if (x.length < MODP_MIN_EXPONENT_BYTES || x.length > group.bytes)
    throw new InvalidKeyError(
      group.name,
      `private exponent must be ${MODP_MIN_EXPONENT_BYTES} to ${group.bytes} bytes`,
    );
  const e = bytesToBigint(x);
  if (e >> 128n === 0n || e >= group.prime - 1n)
    throw new InvalidKeyError(group.name, 'private exponent out of range');
  const y = pow(e);
  if (y <= 1n || y >= group.prime - 1n)
    throw new InvalidKeyError(group.name, 'public value out of range');
  return bigintToBytes(y, group.bytes);
}
