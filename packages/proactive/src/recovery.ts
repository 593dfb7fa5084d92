/**
 * Share recovery (Herzberg et al. 1995, §4): a server that lost its share, or had it
 * corrupted, gets it back without anyone learning it. The helpers deal random polynomials
 * δ_j of degree t with δ_j(r) = 0 (checked publicly: Σ D_jk·r^k must be the identity); each
 * helper i then sends r the value v_i = s_i + Σ_{j∈QUAL} δ_j(i), a point on f + Σ δ_j, a
 * polynomial that agrees with f only at r. The recovering server checks every v_i against
 * G·v_i = Y_i + Σ_j Σ_k D_jk·i^k, names the helpers whose value fails, and interpolates
 * t+1 good values at r; the result must match Y_r.
 */
import type { Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { NotEnoughPartiesError, VerificationError } from './errors.js';
import { KeyShare } from './key-share.js';
import { lagrangeAt } from './lagrange.js';
import type { ContributionMessage } from './messages.js';
import { SecretPolynomial } from './polynomial.js';
import type { Outgoing } from './round-protocol.js';
import { sumSecrets } from './sum-shares.js';

export interface RecoveryOptions {
  readonly group: Group;
  readonly self: number;
  /** The server being recovered. */
  readonly target: number;
  /** The servers helping (holding good shares); at least t+1. */
  readonly helpers: readonly number[];
  /** This server's share (helpers only). */
  readonly share?: KeyShare;
  /** The public state of the period (every server keeps it; the target too). */
  readonly servers: readonly number[];
  readonly threshold: number;
  readonly commitments: readonly GroupPoint[];
  readonly period: number;
  readonly session?: number;
  readonly random?: RandomSource;
}

export interface RecoveryResult {
  /** The recovered share (the target only; null at a helper). */
  readonly share: KeyShare | null;
  /** Helpers whose contribution did not verify (seen by the target). */
  readonly liars: readonly number[];
}

export class Recovery extends DealingProtocol<ContributionMessage, RecoveryResult> {
  readonly #o: RecoveryOptions;
  readonly #received = new Map<number, SecretScalar>();
  #qualified: readonly number[] = [];
  #blinding: ReadonlyMap<number, readonly GroupPoint[]> = new Map();

  constructor(o: RecoveryOptions) {
    const target = BigInt(o.target);
    super(
      new DealingSession({
        group: o.group,
        protocol: 'recovery',
        session: o.session ?? 0,
        period: o.period,
        self: o.self,
        dealers: o.helpers,
        receivers: o.helpers,
        observers: [o.target],
        degree: o.threshold,
        random: o.random,
        checkDeal: (_d, c) =>
          o.group.evaluateCommitment(c, target).isIdentity() ? null : 'blinding-not-zero-at-target',
      }),
    );
    this.#o = o;
  }

  protected makePolynomial() {
    const { group, threshold, target, random, self, helpers } = this.#o;
    return {
      poly: helpers.includes(self)
        ? SecretPolynomial.zeroAt(group, threshold, target, random)
        : null,
    };
  }

  protected override extraRounds(): number {
    return 1;
  }

  /** Round 4: a helper sends its blinded value to the target. */
  protected override extraRound(): Outgoing<ContributionMessage>[] {
    const o = this.outcome as DealingOutcome;
    this.#qualified = o.qualified;
    this.#blinding = o.commitments;
    const { self, helpers, target, share, group, period, session } = this.#o;
    if (!helpers.includes(self) || share === undefined) return [];
    const v = sumSecrets(group, o.shares.values(), share.secret);
    const msg: ContributionMessage = {
      protocol: 'recovery',
      session: session ?? 0,
      period,
      from: self,
      kind: 'contribution',
      to: target,
      value: v.use((b) => Uint8Array.from(b)),
    };
    v.destroy();
    return [{ to: target, msg }];
  }

  protected override receiveExtra(m: ContributionMessage): string | null {
    const { self, target, helpers, group, period, session } = this.#o;
    if (m.kind !== 'contribution') return 'unexpected';
    if (m.period < period) return 'stale-period';
    if (m.period !== period || m.session !== (session ?? 0) || m.protocol !== 'recovery')
      return 'wrong-session';
    if (self !== target || m.to !== target) return 'not-for-me';
    if (!helpers.includes(m.from)) return 'unknown-sender';
    if (this.#received.has(m.from)) return 'duplicate';
    try {
      this.#received.set(m.from, group.secretScalar(m.value));
    } catch {
      this.#received.set(m.from, group.secretFromValue(0n)); // undecodable: fails the check below, the helper is named
    }
    return null;
  }

  protected override extraComplete(): boolean {
    return this.#o.self !== this.#o.target || this.#o.helpers.every((h) => this.#received.has(h));
  }

  protected complete(): RecoveryResult {
    const { self, target, group, threshold, commitments, servers, period } = this.#o;
    if (self !== target) return { share: null, liars: [] };
    if (this.#qualified.length < threshold + 1)
      throw new NotEnoughPartiesError('recovery', this.#qualified.length, threshold + 1);
    const blinding = [...this.#blinding.values()];
    const liars: number[] = [];
    const good: { index: number; value: SecretScalar }[] = [];
    for (const [i, v] of this.#received) {
      const expected = blinding.reduce(
        (acc, d) => acc.add(group.evaluateCommitment(d, BigInt(i))),
        group.evaluateCommitment(commitments, BigInt(i)),
      );
      if (v.publicPoint().equals(expected)) good.push({ index: i, value: v });
      else liars.push(i);
    }
    liars.sort((a, b) => a - b);
    if (good.length < threshold + 1)
      throw new NotEnoughPartiesError('recovery', good.length, threshold + 1);
    const use = good.sort((a, b) => a.index - b.index).slice(0, threshold + 1);
    const idx = use.map((u) => u.index);
    let acc = group.secretFromValue(0n);
    for (const u of use) {
      const term = u.value.times(lagrangeAt(group.scalars, idx, u.index, BigInt(target)));
      const next = acc.plus(term);
      term.destroy();
      acc.destroy();
      acc = next;
    }
    for (const v of this.#received.values()) v.destroy();
    this.#received.clear();
    const key = new KeyShare(group, target, threshold, servers, acc, commitments, period);
    if (!key.verify()) {
      key.destroy();
      throw new VerificationError(
        'recovery',
        'recovered share does not match its verification point',
      );
    }
    return { share: key, liars };
  }

  override destroy(): void {
    for (const v of this.#received.values()) v.destroy();
    this.#received.clear();
    super.destroy();
  }
}
