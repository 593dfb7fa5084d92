/**
 * One server's share of a shared key, and the public data every server holds about it: the
 * commitments A_k of the sharing polynomial (A_0 is the group public key; Y_i = Σ A_k·i^k is
 * server i's verification point), the threshold t (any t+1 shares reconstruct, t reveal
 * nothing) and the period it belongs to. The share is a wiped `SecretScalar`.
 */
import type { Destroyable, Group, GroupPoint, SecretScalar } from '@conduits/crypto';
import { ThresholdParameterError } from './errors.js';

export class KeyShare implements Destroyable {
  readonly #share: SecretScalar;

  constructor(
    readonly group: Group,
    readonly index: number,
    /** Degree of the sharing polynomial: t+1 shares sign or reconstruct. */
    readonly threshold: number,
    readonly servers: readonly number[],
    share: SecretScalar,
    readonly commitments: readonly GroupPoint[],
    readonly period: number,
  ) {
    if (commitments.length !== threshold + 1)
      throw new ThresholdParameterError(
        `${commitments.length} commitments for threshold ${threshold}`,
      );
    this.#share = share;
  }

  get publicKey(): GroupPoint {
    return this.commitments[0] as GroupPoint;
  }

  /** Y_i = G·s_i, from the public commitments alone. */
  verificationPoint(i: number): GroupPoint {
    return this.group.evaluateCommitment(this.commitments, BigInt(i));
  }

  /** The share itself (not a copy): protocol code only, never stored elsewhere. */
  get secret(): SecretScalar {
    return this.#share;
  }

  /** The share matches this server's verification point. */
  verify(): boolean {
    return (
      !this.#share.destroyed && this.#share.publicPoint().equals(this.verificationPoint(this.index))
    );
  }

  get destroyed(): boolean {
    return this.#share.destroyed;
  }

  destroy(): void {
    this.#share.destroy();
  }

  toString(): string {
    return `[key share ${this.index} of ${this.servers.length}, t=${this.threshold}, period ${this.period}${this.destroyed ? ', destroyed' : ''}]`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Σ of commitment vectors, coefficient by coefficient (scaled by λ_j if given). */
export function combineCommitments(
  group: Group,
  vectors: readonly (readonly GroupPoint[])[],
  scale?: readonly bigint[],
): GroupPoint[] {
  const len = vectors[0]?.length ?? 0;
  const out: GroupPoint[] = [];
  for (let k = 0; k < len; k++) {
    let acc = group.identity;
    vectors.forEach((v, j) => {
      const p = v[k] as GroupPoint;
      acc = acc.add(scale === undefined ? p : p.multiply(scale[j] as bigint));
    });
    out.push(acc);
  }
  return out;
}
