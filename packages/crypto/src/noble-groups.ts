/**
 * The three groups of `group.ts` on @noble/curves: ed25519 (the Edwards curve's prime-order
 * subgroup, as RFC 9591's FROST(Ed25519, SHA-512) uses it), ristretto255 and P-256. noble does
 * all the field and curve arithmetic; this file only validates inputs and keeps secret
 * scalars in `Secret`s.
 */
import {
  ed25519,
  ed25519_hasher,
  ristretto255,
  ristretto255_hasher,
} from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { bytesToHex, bytesToNumberBE, concatBytes } from '@noble/curves/utils.js';
import { randomBytes as nobleRandom } from '@noble/hashes/utils.js';
import { constantTimeEqual, wipe } from './constant-time.js';
import { InvalidParameterError } from './errors.js';
import type {
  Group,
  GroupName,
  GroupPoint,
  RandomSource,
  ScalarField,
  SecretScalar,
} from './group.js';
import { Secret } from './secret.js';

/** What we need of a noble point class (Edwards, Ristretto and Weierstrass points all have it). */
interface NP {
  add(o: NP): NP;
  subtract(o: NP): NP;
  negate(): NP;
  multiply(k: bigint): NP;
  multiplyUnsafe(k: bigint): NP;
  equals(o: NP): boolean;
  is0(): boolean;
  toBytes(compressed?: boolean): Uint8Array;
}
interface NoblePointClass {
  readonly BASE: NP;
  readonly ZERO: NP;
  readonly Fn: {
    readonly ORDER: bigint;
    readonly BYTES: number;
    toBytes(n: bigint): Uint8Array;
    fromBytes(b: Uint8Array, skipValidation?: boolean): bigint;
    create(n: bigint): bigint;
    inv(n: bigint): bigint;
  };
}
interface Suite {
  readonly name: GroupName;
  readonly Point: NoblePointClass;
  readonly pointLength: number;
  /** Decode without the subgroup check; null when noble refuses the encoding. */
  decode(bytes: Uint8Array): NP | null;
  /** The prime-order subgroup check beyond decoding (ed25519's cofactor 8). */
  inSubgroup(p: NP): boolean;
  hashToCurve(msg: Uint8Array, dst: string): NP;
  hashToScalar(msg: Uint8Array, dst: string): bigint;
}

class NoblePoint implements GroupPoint {
  constructor(
    readonly impl: NobleGroup,
    readonly p: NP,
  ) {}
  get group(): GroupName {
    return this.impl.name;
  }
  add(o: GroupPoint): GroupPoint {
    return new NoblePoint(this.impl, this.p.add(this.impl.unwrap(o)));
  }
  subtract(o: GroupPoint): GroupPoint {
    return new NoblePoint(this.impl, this.p.subtract(this.impl.unwrap(o)));
  }
  negate(): GroupPoint {
    return new NoblePoint(this.impl, this.p.negate());
  }
  multiply(k: bigint): GroupPoint {
    return new NoblePoint(this.impl, this.p.multiplyUnsafe(this.impl.scalars.reduce(k)));
  }
  equals(o: GroupPoint): boolean {
    return this.p.equals(this.impl.unwrap(o));
  }
  isIdentity(): boolean {
    return this.p.is0();
  }
  toBytes(): Uint8Array {
    return this.impl.encode(this.p);
  }
  toString(): string {
    return `[${this.impl.name} point]`;
  }
}

class NobleSecretScalar implements SecretScalar {
  readonly #secret: Secret;
  constructor(
    readonly impl: NobleGroup,
    bytes: Uint8Array,
  ) {
    this.#secret = new Secret(`${impl.name}-scalar`, bytes);
  }
  get group(): GroupName {
    return this.impl.name;
  }
  get destroyed(): boolean {
    return this.#secret.destroyed;
  }
  /** The value, for arithmetic inside this file only. */
  value(): bigint {
    return this.#secret.use((b) => this.impl.Fn.fromBytes(b, true));
  }
  #other(o: SecretScalar | bigint): bigint {
    if (typeof o === 'bigint') return this.impl.scalars.reduce(o);
    if (!(o instanceof NobleSecretScalar) || o.impl !== this.impl)
      throw new InvalidParameterError(this.impl.name, 'scalar of another group');
    return o.value();
  }
  plus(o: SecretScalar | bigint): SecretScalar {
    return this.impl.secretFromValue(this.value() + this.#other(o));
  }
  minus(o: SecretScalar | bigint): SecretScalar {
    return this.impl.secretFromValue(this.value() - this.#other(o));
  }
  times(k: bigint): SecretScalar {
    return this.impl.secretFromValue(this.value() * this.impl.scalars.reduce(k));
  }
  publicPoint(): GroupPoint {
    const s = this.value();
    const P = this.impl.suite.Point;
    return new NoblePoint(this.impl, s === 0n ? P.ZERO : P.BASE.multiply(s));
  }
  multiplyPoint(p: GroupPoint): GroupPoint {
    const s = this.value();
    const q = this.impl.unwrap(p);
    return new NoblePoint(this.impl, s === 0n ? this.impl.suite.Point.ZERO : q.multiply(s));
  }
  equals(o: SecretScalar): boolean {
    if (!(o instanceof NobleSecretScalar) || o.impl !== this.impl) return false;
    return this.#secret.use((a) => o.use((b) => constantTimeEqual(a, b)));
  }
  use<T>(fn: (bytes: Uint8Array) => T): T {
    return this.#secret.use(fn);
  }
  clone(): SecretScalar {
    return this.#secret.use((b) => new NobleSecretScalar(this.impl, b));
  }
  destroy(): void {
    this.#secret.destroy();
  }
  toString(): string {
    return `[secret ${this.impl.name} scalar${this.destroyed ? ', destroyed' : ''}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

class NobleGroup implements Group {
  readonly name: GroupName;
  readonly scalars: ScalarField;
  readonly pointLength: number;
  readonly generator: GroupPoint;
  readonly identity: GroupPoint;
  readonly Fn: NoblePointClass['Fn'];
  readonly #decoded = new Map<string, NP>();

  constructor(readonly suite: Suite) {
    this.name = suite.name;
    this.pointLength = suite.pointLength;
    const Fn = (this.Fn = suite.Point.Fn);
    const n = Fn.ORDER;
    const name = suite.name;
    const reduce = (a: bigint): bigint => {
      const r = a % n;
      return r < 0n ? r + n : r;
    };
    this.scalars = {
      order: n,
      length: Fn.BYTES,
      add: (a, b) => reduce(a + b),
      sub: (a, b) => reduce(a - b),
      mul: (a, b) => reduce(a * b),
      neg: (a) => reduce(-a),
      inv: (a) => {
        if (reduce(a) === 0n) throw new InvalidParameterError(name, 'inverse of zero');
        return Fn.inv(reduce(a));
      },
      reduce,
      toBytes: (a) => Fn.toBytes(reduce(a)),
      fromBytes: (b) => {
        if (b.length !== Fn.BYTES)
          throw new InvalidParameterError(name, `scalar must be ${Fn.BYTES} bytes`);
        const v = Fn.fromBytes(b, true);
        if (v >= n) throw new InvalidParameterError(name, 'scalar not below the group order');
        return v;
      },
    };
    this.generator = new NoblePoint(this, suite.Point.BASE);
    this.identity = new NoblePoint(this, suite.Point.ZERO);
  }

  /** SEC1 has no fixed-length encoding of P-256's point at infinity: ours is all zeros. */
  encode(p: NP): Uint8Array {
    return p.is0() && this.name === 'p256' ? new Uint8Array(this.pointLength) : p.toBytes(true);
  }

  unwrap(p: GroupPoint): NP {
    if (!(p instanceof NoblePoint) || p.impl !== this)
      throw new InvalidParameterError(this.name, 'point of another group');
    return p.p;
  }

  base(k: bigint): GroupPoint {
    const r = this.scalars.reduce(k);
    return new NoblePoint(
      this,
      r === 0n ? this.suite.Point.ZERO : this.suite.Point.BASE.multiply(r),
    );
  }

  tryPoint(bytes: Uint8Array, allowIdentity = false): GroupPoint | null {
    if (bytes.length !== this.pointLength) return null;
    if (this.name === 'p256' && bytes.every((b) => b === 0))
      return allowIdentity ? this.identity : null;
    // Points are public and decoding is a pure function: a validated point is remembered by
    // its encoding (the subgroup check costs a full scalar multiplication on ed25519, and every
    // server of a run decodes the same commitments).
    const key = bytesToHex(bytes);
    let p = this.#decoded.get(key) ?? null;
    if (p === null) {
      p = this.suite.decode(bytes);
      if (p === null || !this.suite.inSubgroup(p)) return null;
      // Canonical only: the same point has exactly one accepted encoding.
      const again = this.encode(p);
      if (!constantTimeEqual(again, bytes)) return null;
      if (this.#decoded.size >= decodedLimit) this.#decoded.clear();
      this.#decoded.set(key, p);
    }
    if (p.is0() && !allowIdentity) return null;
    return new NoblePoint(this, p);
  }

  point(bytes: Uint8Array, allowIdentity = false): GroupPoint {
    const p = this.tryPoint(bytes, allowIdentity);
    if (p === null)
      throw new InvalidParameterError(this.name, 'not a canonical point of the prime-order group');
    return p;
  }

  hashToScalar(dst: string, ...parts: Uint8Array[]): bigint {
    return this.suite.hashToScalar(concatBytes(...parts), dst);
  }

  hashToPoint(dst: string, ...parts: Uint8Array[]): GroupPoint {
    return new NoblePoint(this, this.suite.hashToCurve(concatBytes(...parts), dst));
  }

  randomScalar(random: RandomSource = nobleRandom): SecretScalar {
    // 64 bytes reduced mod n: statistically uniform (bias < 2^-128), as RFC 9380 hash_to_field.
    for (;;) {
      const b = random(64);
      const v = this.scalars.reduce(bytesToNumberBE(b));
      wipe(b);
      if (v !== 0n) return this.secretFromValue(v);
    }
  }

  secretScalar(bytes: Uint8Array): SecretScalar {
    this.scalars.fromBytes(bytes);
    return new NobleSecretScalar(this, bytes);
  }

  secretFromValue(value: bigint): SecretScalar {
    const b = this.Fn.toBytes(this.scalars.reduce(value));
    const s = new NobleSecretScalar(this, b);
    wipe(b);
    return s;
  }

  evaluateCommitment(points: readonly GroupPoint[], x: bigint): GroupPoint {
    let acc = this.suite.Point.ZERO;
    const k = this.scalars.reduce(x);
    for (let i = points.length - 1; i >= 0; i--)
      acc = acc.multiplyUnsafe(k).add(this.unwrap(points[i] as GroupPoint));
    return new NoblePoint(this, acc);
  }
}

/** Validated points remembered per group (cleared when full). */
const decodedLimit = 4096;

const dstBytes = (dst: string): { DST: string } => ({ DST: dst });
const attempt = (f: () => NP): NP | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

const suites: Record<GroupName, Suite> = {
  ed25519: {
    name: 'ed25519',
    Point: ed25519.Point as unknown as NoblePointClass,
    pointLength: 32,
    decode: (b) => attempt(() => ed25519.Point.fromBytes(b, false) as unknown as NP),
    inSubgroup: (p) => (p as unknown as { isTorsionFree(): boolean }).isTorsionFree(),
    hashToCurve: (m, dst) => ed25519_hasher.hashToCurve(m, dstBytes(dst)) as unknown as NP,
    hashToScalar: (m, dst) => ed25519_hasher.hashToScalar(m, dstBytes(dst)),
  },
  ristretto255: {
    name: 'ristretto255',
    Point: ristretto255.Point as unknown as NoblePointClass,
    pointLength: 32,
    decode: (b) => attempt(() => ristretto255.Point.fromBytes(b) as unknown as NP),
    inSubgroup: () => true, // every ristretto255 encoding names a prime-order element
    hashToCurve: (m, dst) => ristretto255_hasher.hashToCurve(m, dstBytes(dst)) as unknown as NP,
    hashToScalar: (m, dst) => ristretto255_hasher.hashToScalar(m, dstBytes(dst)),
  },
  p256: {
    name: 'p256',
    Point: p256.Point as unknown as NoblePointClass,
    pointLength: 33,
    decode: (b) => attempt(() => p256.Point.fromBytes(b) as unknown as NP),
    inSubgroup: () => true, // cofactor 1: on the curve is in the group
    hashToCurve: (m, dst) => p256_hasher.hashToCurve(m, dstBytes(dst)) as unknown as NP,
    hashToScalar: (m, dst) => p256_hasher.hashToScalar(m, dstBytes(dst)),
  },
};

const made = new Map<GroupName, Group>();
/** The group named, one instance each (points and scalars of one instance only mix with it). */
export function nobleGroup(name: GroupName): Group {
  let g = made.get(name);
  if (g === undefined) {
    const suite = suites[name];
    if (suite === undefined) throw new InvalidParameterError(String(name), 'unknown group');
    made.set(name, (g = new NobleGroup(suite)));
  }
  return g;
}
