/** Group arithmetic (ed25519, ristretto255, P-256) on @noble/curves: scalars, points, secrets, hashing. */
import { createHash } from 'node:crypto';
import {
  engines,
  groupNames,
  InvalidParameterError,
  KeyDestroyedError,
  nobleGroup,
  type RandomSource,
} from '@conduits/crypto';
import { hex as fromHex, toHex } from './vectors.js';

/** SHA-256 in counter mode: a deterministic byte stream for tests. */
function seeded(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32)
      out.set(
        createHash('sha256')
          .update(`${seed}/${counter++}`)
          .digest()
          .subarray(0, Math.min(32, n - off)),
        off,
      );
    return out;
  };
}

describe.each(groupNames)('group %s', (name) => {
  const g = nobleGroup(name);
  const F = g.scalars;
  const rnd = seeded(name);

  test('both engines hand out the same group', () => {
    expect(engines.noble.group(name)).toBe(g);
    expect(engines.node.group(name)).toBe(g);
  });

  test('G·(a+b) = G·a + G·b and G·(ab) = (G·a)·b, secret and public paths agree', () => {
    for (let i = 0; i < 5; i++) {
      const a = g.randomScalar(rnd);
      const b = g.randomScalar(rnd);
      const sum = a.plus(b);
      expect(sum.publicPoint().equals(a.publicPoint().add(b.publicPoint()))).toBe(true);
      const k = 12345678901234567890n + BigInt(i);
      expect(a.times(k).publicPoint().equals(a.publicPoint().multiply(k))).toBe(true);
      expect(a.multiplyPoint(g.base(k)).equals(a.times(k).publicPoint())).toBe(true);
      expect(sum.minus(b).equals(a)).toBe(true);
      expect(sum.equals(a)).toBe(false);
      const kb = F.toBytes(k);
      expect(F.fromBytes(kb)).toBe(k);
      expect(g.base(k).equals(g.generator.multiply(k))).toBe(true);
      expect(F.mul(k, F.inv(k))).toBe(1n);
      for (const s of [a, b, sum]) s.destroy();
    }
  });

  test('zero and the identity behave (x + (−x) = 0, G·0 = identity)', () => {
    const a = g.randomScalar(rnd);
    const z = a.minus(a);
    expect(z.publicPoint().isIdentity()).toBe(true);
    expect(g.base(0n).equals(g.identity)).toBe(true);
    expect(g.generator.add(g.generator.negate()).isIdentity()).toBe(true);
    expect(() => F.inv(0n)).toThrow(InvalidParameterError);
  });

  test('points round-trip; the identity, wrong lengths and garbage are refused', () => {
    const p = g.base(987654321n);
    const bytes = p.toBytes();
    expect(bytes.length).toBe(g.pointLength);
    expect(g.point(bytes).equals(p)).toBe(true);
    expect(() => g.point(g.identity.toBytes())).toThrow(InvalidParameterError);
    expect(g.point(g.identity.toBytes(), true).isIdentity()).toBe(true);
    expect(g.tryPoint(bytes.subarray(1))).toBeNull();
    expect(g.tryPoint(new Uint8Array(g.pointLength).fill(0xff))).toBeNull();
  });

  test('scalars: non-canonical (≥ order) and wrong-length encodings refused', () => {
    const n = F.order;
    const big =
      name === 'p256'
        ? fromHex(n.toString(16).padStart(64, '0'))
        : fromHex(n.toString(16).padStart(64, '0')).reverse();
    expect(() => F.fromBytes(big)).toThrow(InvalidParameterError);
    expect(() => g.secretScalar(big)).toThrow(InvalidParameterError);
    expect(() => F.fromBytes(new Uint8Array(31))).toThrow(InvalidParameterError);
  });

  test('hashToScalar and hashToPoint are deterministic and separated by the DST', () => {
    const m = new TextEncoder().encode('message');
    expect(g.hashToScalar('A', m)).toBe(g.hashToScalar('A', m));
    expect(g.hashToScalar('A', m)).not.toBe(g.hashToScalar('B', m));
    expect(g.hashToScalar('A', m) < F.order).toBe(true);
    const h = g.hashToPoint('H', m);
    expect(h.equals(g.hashToPoint('H', m))).toBe(true);
    expect(h.equals(g.hashToPoint('H2', m))).toBe(false);
    expect(g.point(h.toBytes()).equals(h)).toBe(true);
  });

  test('a secret scalar is wiped by destroy and never printed', () => {
    const a = g.randomScalar(rnd);
    const bytes = a.use((b) => b);
    expect(String(a)).not.toContain(toHex(bytes));
    expect(JSON.stringify({ a })).not.toContain(toHex(bytes));
    a.destroy();
    expect(bytes.every((x) => x === 0)).toBe(true);
    expect(a.destroyed).toBe(true);
    expect(() => a.publicPoint()).toThrow(KeyDestroyedError);
  });

  test('evaluateCommitment is Σ C_k·x^k', () => {
    const cs = [3n, 5n, 7n].map((k) => g.base(k));
    // 3 + 5·4 + 7·16 = 135
    expect(g.evaluateCommitment(cs, 4n).equals(g.base(135n))).toBe(true);
  });

  test('mixing groups is refused', () => {
    const other = nobleGroup(name === 'p256' ? 'ed25519' : 'p256');
    expect(() => g.generator.add(other.generator)).toThrow(InvalidParameterError);
  });
});

describe('ed25519 group against published values', () => {
  const g = nobleGroup('ed25519');
  test('RFC 9591 FROST(Ed25519, SHA-512) group key: G·s is the published public key', () => {
    const s = g.secretScalar(
      fromHex('7b1c33d3f5291d85de664833beb1ad469f7fb6025a0ec78b3a790c6e13a98304'),
    );
    expect(toHex(s.publicPoint().toBytes())).toBe(
      '15d21ccd7ee42959562fc8aa63224c8851fb3ec85a3faf66040d380fb9738673',
    );
  });

  test('a small-order (torsion) point is refused', () => {
    // The order-2 point (0, −1) encoded: y = p − 1.
    const order2 = fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(g.tryPoint(order2)).toBeNull();
  });

  test('a non-canonical encoding of a valid point is refused (y + p)', () => {
    // y = 1 (the identity) has the non-canonical twin y = p + 1 = 0x7fff…ffee.
    const twin = fromHex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(g.tryPoint(twin, true)).toBeNull();
  });
});
