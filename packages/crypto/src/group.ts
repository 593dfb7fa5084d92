/**
 * Prime-order group arithmetic for threshold protocols (VSS, DKG, FROST, proactive refresh):
 * public scalars are bigints reduced mod the group order; secret scalars live in
 * `SecretScalar`s (a wiped `Secret` underneath); points are immutable `GroupPoint`s that
 * only ever hold validated, prime-order-subgroup elements. Backed by @noble/curves; nothing
 * here does field arithmetic itself.
 */
import type { Destroyable } from './engine.js';

export const groupNames = ['ed25519', 'ristretto255', 'p256'] as const;
export type GroupName = (typeof groupNames)[number];

/** Where randomness comes from: `n` fresh bytes per call (tests pass a seeded one). */
export type RandomSource = (n: number) => Uint8Array;

/** An element of the group. Immutable; every operation returns a new point. */
export interface GroupPoint {
  readonly group: GroupName;
  add(other: GroupPoint): GroupPoint;
  subtract(other: GroupPoint): GroupPoint;
  negate(): GroupPoint;
  /** Multiplication by a public scalar (variable time: the scalar is public). */
  multiply(scalar: bigint): GroupPoint;
  equals(other: GroupPoint): boolean;
  isIdentity(): boolean;
  /** The canonical encoding (ed25519/ristretto255: 32 bytes; P-256: compressed SEC1, 33 bytes). */
  toBytes(): Uint8Array;
}

/** A secret scalar: kept in a wiped `Secret`; arithmetic returns new secrets, never bigints. */
export interface SecretScalar extends Destroyable {
  readonly group: GroupName;
  plus(other: SecretScalar | bigint): SecretScalar;
  minus(other: SecretScalar | bigint): SecretScalar;
  /** Times a public scalar (a Lagrange coefficient, a challenge). */
  times(k: bigint): SecretScalar;
  /** G·s, in constant time. */
  publicPoint(): GroupPoint;
  /** P·s, in constant time (Pedersen's H·b, a Diffie-Hellman value). */
  multiplyPoint(p: GroupPoint): GroupPoint;
  /** Constant-time equality of the two encodings. */
  equals(other: SecretScalar): boolean;
  /** Run `fn` with the canonical encoding (for handing to a library such as noble's FROST; do not keep it). */
  use<T>(fn: (bytes: Uint8Array) => T): T;
  /** A copy the caller owns (and must destroy). */
  clone(): SecretScalar;
}

/** Arithmetic on public scalars mod the group order. */
export interface ScalarField {
  readonly order: bigint;
  /** Bytes of an encoded scalar. */
  readonly length: number;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  /** Throws InvalidParameterError for 0. */
  inv(a: bigint): bigint;
  /** Reduce any integer into [0, order). */
  reduce(a: bigint): bigint;
  /** Canonical encoding (little-endian for the Edwards groups, big-endian for P-256). */
  toBytes(a: bigint): Uint8Array;
  /** Decode a canonical scalar; InvalidParameterError for a wrong length or a value ≥ order. */
  fromBytes(bytes: Uint8Array): bigint;
}

export interface Group {
  readonly name: GroupName;
  readonly scalars: ScalarField;
  /** Bytes of an encoded point. */
  readonly pointLength: number;
  readonly generator: GroupPoint;
  readonly identity: GroupPoint;
  /** G·k for a public scalar k (precomputed tables). */
  base(k: bigint): GroupPoint;
  /**
   * Decode and validate a point from the wire: canonical encoding, on the curve, in the
   * prime-order subgroup, not the identity (unless `allowIdentity`). Throws InvalidParameterError.
   */
  point(bytes: Uint8Array, allowIdentity?: boolean): GroupPoint;
  /** Like `point`, but returns null instead of throwing (for decoders that drop and count). */
  tryPoint(bytes: Uint8Array, allowIdentity?: boolean): GroupPoint | null;
  /** RFC 9380 hash_to_field into the scalars, with a domain separation tag. */
  hashToScalar(dst: string, ...parts: Uint8Array[]): bigint;
  /** RFC 9380 hash_to_curve (a point nobody knows the discrete log of: Pedersen's second generator). */
  hashToPoint(dst: string, ...parts: Uint8Array[]): GroupPoint;
  /** A uniformly random non-zero secret scalar. */
  randomScalar(random?: RandomSource): SecretScalar;
  /** A secret scalar from its canonical encoding (copied; the caller can wipe theirs). */
  secretScalar(bytes: Uint8Array): SecretScalar;
  /** A secret scalar from a computed value (a sum of shares): the bigint is the caller's to drop. */
  secretFromValue(value: bigint): SecretScalar;
  /**
   * Σ points[k]·x^k by Horner's rule (a polynomial commitment evaluated at x; x is public and
   * small, so this is a few cheap multiplications).
   */
  evaluateCommitment(points: readonly GroupPoint[], x: bigint): GroupPoint;
}
