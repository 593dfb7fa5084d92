/**
 * Joint randomness (the toolkit's GetRandom) without the last mover's bias: XOR of revealed
 * seeds lets the last server to reveal pick between two outputs (reveal or not). Here every
 * server first deals its random value a_j0 by VSS (Feldman; G·a_j0 says nothing about the
 * hash of the sum); the qualified set is fixed before anything is revealed; then each dealer
 * reveals a_j0 (checked against C_j0), and a dealer that withholds is reconstructed from the
 * others' shares (checked against its commitments). Every qualified value is in the output
 * whatever anyone does after the commitments: output = SHA-256(dst ‖ Σ a_j0).
 */
import type { Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/curves/utils.js';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { NotEnoughPartiesError } from './errors.js';
import { verifyPublicShare } from './feldman.js';
import { lagrangeAt } from './lagrange.js';
import type { RevealMessage } from './messages.js';
import { SecretPolynomial } from './polynomial.js';
import type { Outgoing } from './round-protocol.js';

export interface JointRandomOptions {
  readonly group: Group;
  readonly self: number;
  readonly servers: readonly number[];
  readonly threshold: number;
  readonly period: number;
  readonly session?: number;
  readonly random?: RandomSource;
  /** Tests only: deal this value instead of a random one. */
  readonly value?: SecretScalar;
}

export interface JointRandomResult {
  /** 32 random bytes every honest server agrees on. */
  readonly value: Uint8Array;
  /** Dealers whose value had to be reconstructed (they withheld or lied in their reveal). */
  readonly reconstructed: readonly number[];
}

const dst = new TextEncoder().encode('conduits-proactive-joint-random-v1');

export class JointRandom extends DealingProtocol<RevealMessage, JointRandomResult> {
  readonly #o: JointRandomOptions;
  /** Revealed constants a_j0 (public once revealed). */
  readonly #constants = new Map<number, bigint>();
  /** Round 5: shares f_j(i) of the dealers that did not reveal, by dealer then by server. */
  readonly #shareReveals = new Map<number, Map<number, bigint>>();
  readonly #spoke = [new Set<number>(), new Set<number>()];
  #missing: number[] = [];
  #reconstructed: number[] = [];

  constructor(o: JointRandomOptions) {
    super(
      new DealingSession({
        group: o.group,
        protocol: 'joint-random',
        session: o.session ?? 0,
        period: o.period,
        self: o.self,
        dealers: o.servers,
        receivers: o.servers,
        degree: o.threshold,
        random: o.random,
      }),
    );
    this.#o = o;
  }

  protected makePolynomial() {
    return {
      poly: SecretPolynomial.random(
        this.#o.group,
        this.#o.threshold,
        this.#o.value ?? 'random',
        this.#o.random,
      ),
    };
  }

  protected override extraRounds(): number {
    return 2;
  }

  #header() {
    const { session, period, self } = this.#o;
    return {
      protocol: 'joint-random' as const,
      session: session ?? 0,
      period,
      from: self,
      kind: 'reveal' as const,
    };
  }

  protected override extraRound(round: number): Outgoing<RevealMessage>[] {
    const o = this.outcome as DealingOutcome;
    const { self, group } = this.#o;
    if (round === 4) {
      const values: { dealer: number; value: Uint8Array }[] = [];
      if (o.qualified.includes(self) && this.poly !== null) {
        const a0 = this.poly.constantTerm();
        values.push({ dealer: self, value: a0.use((b) => Uint8Array.from(b)) });
        this.#constants.set(self, group.scalars.fromBytes(values[0]!.value));
        a0.destroy();
      }
      this.poly?.destroy();
      return [{ msg: { ...this.#header(), round: 4, values } }];
    }
    // Round 5: reveal my shares of every qualified dealer that did not reveal (its value is now public anyway).
    this.#missing = o.qualified.filter((j) => !this.#constants.has(j));
    const values = this.#missing.flatMap((j) => {
      const s = o.shares.get(j);
      if (s === undefined) return [];
      this.#shareReveal(j, self, group.scalars.fromBytes(s.use((b) => b)));
      return [{ dealer: j, value: s.use((b) => Uint8Array.from(b)) }];
    });
    return [{ msg: { ...this.#header(), round: 5, values } }];
  }

  #shareReveal(dealer: number, from: number, v: bigint): void {
    let m = this.#shareReveals.get(dealer);
    if (m === undefined) this.#shareReveals.set(dealer, (m = new Map()));
    m.set(from, v);
  }

  protected override receiveExtra(m: RevealMessage): string | null {
    const { group, period, session, servers } = this.#o;
    if (m.kind !== 'reveal') return 'unexpected';
    if (m.period < period) return 'stale-period';
    if (m.period !== period || m.session !== (session ?? 0) || m.protocol !== 'joint-random')
      return 'wrong-session';
    if (!servers.includes(m.from)) return 'unknown-sender';
    if (this.round !== m.round) return this.round < m.round ? 'early' : 'too-late';
    const spoke = this.#spoke[m.round - 4] as Set<number>;
    if (spoke.has(m.from)) return 'duplicate';
    spoke.add(m.from);
    const o = this.outcome as DealingOutcome;
    for (const r of m.values) {
      let v: bigint;
      try {
        v = group.scalars.fromBytes(r.value);
      } catch {
        continue;
      }
      const c = o.commitments.get(r.dealer);
      if (c === undefined) continue;
      if (m.round === 4) {
        // Only the dealer's own value, and only if it matches C_j0.
        if (r.dealer === m.from && group.base(v).equals(c[0] as GroupPoint))
          this.#constants.set(r.dealer, v);
      } else if (verifyPublicShare(group, c, m.from, v)) this.#shareReveal(r.dealer, m.from, v);
    }
    return null;
  }

  protected override extraComplete(): boolean {
    const spoke = this.#spoke[this.round - 4] as Set<number>;
    return this.#o.servers.every((s) => s === this.#o.self || spoke.has(s));
  }

  protected complete(o: DealingOutcome): JointRandomResult {
    const { group, threshold } = this.#o;
    let sum = 0n;
    for (const j of o.qualified) {
      let a0 = this.#constants.get(j);
      if (a0 === undefined) {
        const shares = [...(this.#shareReveals.get(j) ?? new Map<number, bigint>())]
          .sort((a, b) => a[0] - b[0])
          .slice(0, threshold + 1);
        if (shares.length < threshold + 1)
          throw new NotEnoughPartiesError('joint-random', shares.length, threshold + 1);
        const idx = shares.map(([i]) => i);
        a0 = shares.reduce(
          (acc, [i, v]) =>
            group.scalars.add(acc, group.scalars.mul(v, lagrangeAt(group.scalars, idx, i))),
          0n,
        );
        this.#reconstructed.push(j);
      }
      sum = group.scalars.add(sum, a0);
    }
    return {
      value: sha256(concatBytes(dst, group.scalars.toBytes(sum))),
      reconstructed: [...this.#reconstructed],
    };
  }
}
