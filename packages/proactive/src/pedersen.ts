/**
 * Pedersen's verifiable secret sharing: commitments C_k = G·a_k + H·b_k hide the secret
 * unconditionally (Feldman's G·a_0 reveals G·s). H is hashed to the curve, so nobody knows
 * log_G H. For a joint secret that must stay hidden even as a point.
 */
import type { Destroyable, Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';
import { SecretPolynomial } from './polynomial.js';

const dst = 'conduits-proactive-pedersen-H-v1';
const generators = new Map<string, GroupPoint>();

/** Pedersen's second generator for `group`. */
export function pedersenGenerator(group: Group): GroupPoint {
  let h = generators.get(group.name);
  if (h === undefined)
    generators.set(group.name, (h = group.hashToPoint(dst, new TextEncoder().encode(group.name))));
  return h;
}

export interface PedersenShare extends Destroyable {
  readonly index: number;
  readonly value: SecretScalar;
  readonly blinding: SecretScalar;
}

/** A Pedersen dealing: the value polynomial f, the blinding polynomial f', the commitments. */
export class PedersenDealing implements Destroyable {
  readonly commitments: readonly GroupPoint[];
  readonly #f: SecretPolynomial;
  readonly #b: SecretPolynomial;

  constructor(
    readonly group: Group,
    degree: number,
    secret: SecretScalar | 'random',
    random?: RandomSource,
  ) {
    this.#f = SecretPolynomial.random(group, degree, secret, random);
    this.#b = SecretPolynomial.random(group, degree, 'random', random);
    const blind = this.#b.commitmentsTo(pedersenGenerator(group));
    this.commitments = this.#f.commitments().map((c, k) => c.add(blind[k] as GroupPoint));
  }

  shareFor(index: number): PedersenShare {
    const value = this.#f.evaluate(index);
    const blinding = this.#b.evaluate(index);
    return {
      index,
      value,
      blinding,
      get destroyed() {
        return value.destroyed;
      },
      destroy() {
        value.destroy();
        blinding.destroy();
      },
    };
  }

  get destroyed(): boolean {
    return this.#f.destroyed;
  }

  destroy(): void {
    this.#f.destroy();
    this.#b.destroy();
  }
}

/** G·s_i + H·s'_i = Σ C_k·i^k. */
export function verifyPedersenShare(
  group: Group,
  commitments: readonly GroupPoint[],
  share: PedersenShare,
): boolean {
  const lhs = share.value.publicPoint().add(share.blinding.multiplyPoint(pedersenGenerator(group)));
  return lhs.equals(group.evaluateCommitment(commitments, BigInt(share.index)));
}
