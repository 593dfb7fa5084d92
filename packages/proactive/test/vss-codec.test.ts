/** Pedersen VSS, Feldman checks, polynomials, and the wire codec's refusal of malformed bytes. */
import fc from 'fast-check';
import { nobleGroup } from '@conduits/crypto';
import { decodeMessage, encodeMessage, type RoundMessage } from '@conduits/proactive/codec';
import {
  lagrangeAt,
  PedersenDealing,
  SecretPolynomial,
  verifyPedersenShare,
  verifyShare,
} from '@conduits/proactive/internal';
import { seededRandom } from '@conduits/proactive/testing';

const g = nobleGroup('ed25519');

describe('verifiable secret sharing', () => {
  test('Pedersen: every share verifies; a changed value, blinding or index does not; destroy wipes', () => {
    const d = new PedersenDealing(g, 2, 'random', seededRandom('ped'));
    for (let i = 1; i <= 5; i++) {
      const s = d.shareFor(i);
      expect(verifyPedersenShare(g, d.commitments, s)).toBe(true);
      const bad = { ...s, value: s.value.plus(1n) };
      expect(verifyPedersenShare(g, d.commitments, bad)).toBe(false);
      const bad2 = { ...s, blinding: s.blinding.plus(1n) };
      expect(verifyPedersenShare(g, d.commitments, bad2)).toBe(false);
      expect(verifyPedersenShare(g, d.commitments, { ...s, index: i + 1 })).toBe(false);
    }
    d.destroy();
    expect(d.destroyed).toBe(true);
  });

  test('Feldman: f(i) verifies against G·a_k; zeroAt(r) vanishes at r; Lagrange at 0 recovers a_0', () => {
    const f = SecretPolynomial.random(g, 3, 'random', seededRandom('feld'));
    const c = f.commitments();
    const shares = [1, 2, 3, 4].map((i) => ({ i, s: f.evaluate(i) }));
    for (const { i, s } of shares) expect(verifyShare(g, c, i, s)).toBe(true);
    expect(verifyShare(g, c, 5, shares[0]!.s)).toBe(false);
    const z = SecretPolynomial.zeroAt(g, 3, 6, seededRandom('zero'));
    expect(z.evaluate(6).publicPoint().isIdentity()).toBe(true);
    expect(z.evaluate(5).publicPoint().isIdentity()).toBe(false);
    expect(g.evaluateCommitment(z.commitments(), 6n).isIdentity()).toBe(true);
    const idx = shares.map((x) => x.i);
    const a0 = shares.reduce(
      (acc, { i, s }) => acc.plus(s.times(lagrangeAt(g.scalars, idx, i))),
      g.secretFromValue(0n),
    );
    expect(a0.equals(f.constantTerm())).toBe(true);
    f.destroy();
    expect(f.destroyed).toBe(true);
    expect(String(f)).toBe('[secret polynomial of degree 3, destroyed]');
  });
});

describe('codec', () => {
  const samples: RoundMessage[] = [
    {
      protocol: 'dkg',
      session: 7,
      period: 3,
      from: 2,
      kind: 'deal',
      commitments: [g.base(5n).toBytes(), g.base(6n).toBytes()],
      proof: new Uint8Array(64).fill(1),
    },
    {
      protocol: 'refresh',
      session: 0,
      period: 9,
      from: 4,
      kind: 'share',
      to: 1,
      share: new Uint8Array(32).fill(2),
    },
    { protocol: 'recovery', session: 1, period: 1, from: 3, kind: 'complaint', against: [1, 5] },
    {
      protocol: 'reshare',
      session: 1,
      period: 1,
      from: 3,
      kind: 'answer',
      reveals: [{ to: 2, share: new Uint8Array(32).fill(3) }],
    },
    {
      protocol: 'recovery',
      session: 2,
      period: 4,
      from: 6,
      kind: 'contribution',
      to: 7,
      value: new Uint8Array(32).fill(4),
    },
    {
      protocol: 'joint-random',
      session: 2,
      period: 4,
      from: 6,
      kind: 'reveal',
      round: 5,
      values: [{ dealer: 2, value: new Uint8Array(32).fill(5) }],
    },
  ];

  test('every kind round-trips', () => {
    for (const m of samples) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  test('truncated, extended or random bytes decode to null, never throw', () => {
    for (const m of samples) {
      const b = encodeMessage(m);
      for (let n = 0; n < b.length; n++) expect(decodeMessage(b.subarray(0, n))).toBeNull();
      expect(decodeMessage(Uint8Array.from([...b, 0]))).toBeNull();
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const m = decodeMessage(b);
        expect(m === null || typeof m.kind === 'string').toBe(true);
      }),
      { numRuns: 500, seed: 14 },
    );
  });
});
