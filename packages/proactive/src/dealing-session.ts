/**
 * One run of verifiable dealing among servers, the part DKG, refresh, resharing, recovery and
 * joint secrets share (Feldman commitments; complaints and disqualification as in Gennaro,
 * Jarecki, Krawczyk and Rabin's DKG and Herzberg et al.'s refresh):
 *
 *   round 1  each dealer broadcasts G·a_k and sends f(i) privately to each receiver i;
 *   round 2  each receiver broadcasts complaints against the dealers whose share to it was
 *            missing or did not match the commitments;
 *   round 3  each accused dealer broadcasts the disputed shares; a dealer whose revealed
 *            share still does not match (or who stays silent) is disqualified by everyone.
 *
 * With a reliable authenticated broadcast every honest server ends with the same qualified
 * set. The caller ends each round (all messages in, or a timeout on the scheduler's clock) by
 * calling the next `end…`; this object never looks at a clock.
 */
import type { Destroyable, Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { ThresholdParameterError } from './errors.js';
import { verifyPublicShare, verifyShare } from './feldman.js';
import type {
  AnswerMessage,
  ComplaintMessage,
  DealingMessage,
  DealMessage,
  ProtocolTag,
  ShareMessage,
} from './messages.js';
import type { SecretPolynomial } from './polynomial.js';

export interface DealingParams {
  readonly group: Group;
  readonly protocol: ProtocolTag;
  readonly session: number;
  readonly period: number;
  readonly self: number;
  readonly dealers: readonly number[];
  readonly receivers: readonly number[];
  /** Degree of every dealer's polynomial (the receivers' threshold t). */
  readonly degree: number;
  /** Servers that see the broadcasts but neither deal nor receive (the server being recovered). */
  readonly observers?: readonly number[];
  /** A public check of a dealer's commitments beyond their form: the reason to disqualify, or null. */
  readonly checkDeal?: (
    dealer: number,
    commitments: readonly GroupPoint[],
    proof: Uint8Array,
  ) => string | null;
  readonly random?: RandomSource;
}

/** Why a dealer was disqualified (stable strings, for reports and tests). */
export type DisqualifyReason =
  | 'no-deal'
  | 'equivocation'
  | 'bad-commitments'
  | 'share-does-not-match-commitments'
  | 'no-answer-to-complaint'
  | (string & {});

export interface DealingOutcome extends Destroyable {
  readonly qualified: readonly number[];
  readonly disqualified: ReadonlyMap<number, DisqualifyReason>;
  /** Commitments of the qualified dealers. */
  readonly commitments: ReadonlyMap<number, readonly GroupPoint[]>;
  /** This server's shares from the qualified dealers (empty if it is not a receiver); destroyed with the outcome. */
  readonly shares: ReadonlyMap<number, SecretScalar>;
}

type Phase = 'dealing' | 'complaints' | 'answers' | 'finished';

export class DealingSession implements Destroyable {
  readonly params: DealingParams;
  /** Everyone who sends in rounds 2 and 3. */
  readonly participants: readonly number[];
  /** Everyone whose messages are taken (participants and observers). */
  readonly audience: readonly number[];
  readonly #deals = new Map<number, readonly GroupPoint[]>();
  readonly #proofs = new Map<number, Uint8Array>();
  readonly #shares = new Map<number, SecretScalar>();
  readonly #badShares = new Set<number>();
  readonly #disqualified = new Map<number, DisqualifyReason>();
  readonly #complaints = new Map<number, readonly number[]>();
  readonly #answers = new Map<number, Map<number, bigint>>();
  /** Hash of the deal each dealer showed this server (its wire bytes: commitments and proof). */
  readonly #digests = new Map<number, Uint8Array>();
  /** What each participant says it was shown, from their complaints (the echo). */
  readonly #echoes = new Map<number, ReadonlyMap<number, Uint8Array>>();
  #phase: Phase = 'dealing';
  #destroyed = false;

  constructor(params: DealingParams) {
    const { dealers, receivers, degree } = params;
    if (!Number.isInteger(degree) || degree < 0 || degree >= receivers.length)
      throw new ThresholdParameterError(
        `degree ${degree} needs more than ${degree} receivers (have ${receivers.length})`,
      );
    for (const i of [...dealers, ...receivers])
      if (!Number.isInteger(i) || i < 1 || i > 255)
        throw new ThresholdParameterError(`index ${i} out of 1..255`);
    if (new Set(dealers).size !== dealers.length || new Set(receivers).size !== receivers.length)
      throw new ThresholdParameterError('an index appears twice');
    this.params = params;
    this.participants = [...new Set([...dealers, ...receivers])].sort((a, b) => a - b);
    this.audience = [...new Set([...this.participants, ...(params.observers ?? [])])].sort(
      (a, b) => a - b,
    );
  }

  get phase(): Phase {
    return this.#phase;
  }

  get isDealer(): boolean {
    return this.params.dealers.includes(this.params.self);
  }

  get isReceiver(): boolean {
    return this.params.receivers.includes(this.params.self);
  }

  #header() {
    const { protocol, session, period, self } = this.params;
    return { protocol, session, period, from: self };
  }

  /**
   * This server's round-1 messages: the broadcast commitments and one private share per other
   * receiver (its own share it keeps). The polynomial stays the caller's (to destroy).
   */
  deal(
    poly: SecretPolynomial,
    proof: Uint8Array = new Uint8Array(0),
  ): { broadcast: DealMessage; privates: ShareMessage[] } {
    if (!this.isDealer) throw new ThresholdParameterError(`${this.params.self} is not a dealer`);
    if (poly.degree !== this.params.degree)
      throw new ThresholdParameterError(
        `polynomial degree ${poly.degree}, expected ${this.params.degree}`,
      );
    const h = this.#header();
    const commitments = poly.commitments();
    const broadcast: DealMessage = {
      ...h,
      kind: 'deal',
      commitments: commitments.map((c) => c.toBytes()),
      proof,
    };
    this.#digests.set(this.params.self, dealDigest(broadcast.commitments, proof));
    this.#takeDeal(this.params.self, commitments, proof);
    const privates: ShareMessage[] = [];
    for (const to of this.params.receivers) {
      const s = poly.evaluate(to);
      if (to === this.params.self) this.#shares.set(to, s);
      else {
        privates.push({ ...h, kind: 'share', to, share: s.use((b) => Uint8Array.from(b)) });
        s.destroy();
      }
    }
    return { broadcast, privates };
  }

  /** Check a message's envelope: the reason to refuse it, or null. */
  #envelope(m: DealingMessage): string | null {
    const p = this.params;
    if (m.protocol !== p.protocol) return 'wrong-protocol';
    if (m.period < p.period) return 'stale-period';
    if (m.period > p.period) return 'future-period';
    if (m.session !== p.session) return 'wrong-session';
    if (m.from === p.self) return 'own-message';
    if (!this.participants.includes(m.from)) return 'unknown-sender';
    if (!this.audience.includes(p.self)) return 'not-for-me';
    return null;
  }

  /** Take one message; returns the reason it was refused, or null. Secret bytes in a share message are the caller's to wipe. */
  receive(m: DealingMessage): string | null {
    if (this.#destroyed) return 'destroyed';
    const bad = this.#envelope(m);
    if (bad !== null) return bad;
    const { group, dealers, degree } = this.params;
    switch (m.kind) {
      case 'deal': {
        if (this.#phase !== 'dealing') return 'too-late';
        if (!dealers.includes(m.from)) return 'not-a-dealer';
        if (this.#deals.has(m.from) || this.#disqualified.has(m.from)) return 'duplicate';
        this.#digests.set(m.from, dealDigest(m.commitments, m.proof));
        const points: GroupPoint[] = [];
        for (let k = 0; k < m.commitments.length; k++) {
          // a_0 may be zero (refresh, recovery blinding): the identity is allowed there only.
          const pt = group.tryPoint(m.commitments[k] as Uint8Array, k === 0);
          if (pt === null) {
            this.#disqualified.set(m.from, 'bad-commitments');
            return null;
          }
          points.push(pt);
        }
        if (points.length !== degree + 1) {
          this.#disqualified.set(m.from, 'bad-commitments');
          return null;
        }
        this.#takeDeal(m.from, points, m.proof);
        return null;
      }
      case 'share': {
        if (this.#phase !== 'dealing') return 'too-late';
        if (!dealers.includes(m.from)) return 'not-a-dealer';
        if (m.to !== this.params.self || !this.isReceiver) return 'not-for-me';
        if (this.#shares.has(m.from) || this.#badShares.has(m.from)) return 'duplicate';
        let s: SecretScalar;
        try {
          s = group.secretScalar(m.share);
        } catch {
          this.#badShares.add(m.from);
          return null;
        }
        this.#shares.set(m.from, s);
        return null;
      }
      case 'complaint': {
        if (this.#phase === 'dealing') return 'early';
        if (this.#phase !== 'complaints') return 'too-late';
        if (this.#complaints.has(m.from)) return 'duplicate';
        this.#echoes.set(
          m.from,
          new Map(
            (m.echo ?? [])
              .filter((e) => dealers.includes(e.dealer))
              .map((e) => [e.dealer, e.digest]),
          ),
        );
        if (!this.params.receivers.includes(m.from)) {
          this.#complaints.set(m.from, []);
          return m.against.length === 0 ? null : 'not-a-receiver';
        }
        this.#complaints.set(m.from, [...new Set(m.against.filter((d) => dealers.includes(d)))]);
        return null;
      }
      case 'answer': {
        if (this.#phase === 'dealing' || this.#phase === 'complaints') return 'early';
        if (this.#phase !== 'answers') return 'too-late';
        if (this.#answers.has(m.from)) return 'duplicate';
        const revealed = new Map<number, bigint>();
        for (const r of m.reveals) {
          let v: bigint;
          try {
            v = group.scalars.fromBytes(r.share);
          } catch {
            continue; // an undecodable reveal counts as no reveal
          }
          revealed.set(r.to, v);
        }
        this.#answers.set(m.from, revealed);
        return null;
      }
    }
  }

  #takeDeal(dealer: number, points: readonly GroupPoint[], proof: Uint8Array): void {
    const why = this.params.checkDeal?.(dealer, points, proof) ?? null;
    if (why !== null) {
      this.#disqualified.set(dealer, why);
      return;
    }
    this.#deals.set(dealer, points);
    this.#proofs.set(dealer, proof);
  }

  /** Every message of the current round that can come has come (the caller may end the round early). */
  roundComplete(): boolean {
    const others = this.participants.filter((i) => i !== this.params.self);
    switch (this.#phase) {
      case 'dealing':
        return this.params.dealers.every(
          (d) =>
            d === this.params.self ||
            ((this.#deals.has(d) || this.#disqualified.has(d)) &&
              (!this.isReceiver || this.#shares.has(d) || this.#badShares.has(d))),
        );
      case 'complaints':
        return others.every((i) => this.#complaints.has(i));
      case 'answers':
        return others.every((i) => this.#answers.has(i));
      case 'finished':
        return true;
    }
  }

  /**
   * End round 1: dealers that sent nothing are disqualified; this server's complaint (possibly
   * empty: every participant speaks in every round, so silence is visible) is returned.
   */
  endDealing(): ComplaintMessage {
    this.#expect('dealing');
    const { group, dealers, self } = this.params;
    for (const d of dealers)
      if (!this.#deals.has(d) && !this.#disqualified.has(d)) this.#disqualified.set(d, 'no-deal');
    const against: number[] = [];
    if (this.isReceiver) {
      for (const [d, c] of this.#deals) {
        const s = this.#shares.get(d);
        // This server's share of its own polynomial it evaluated itself: no check needed.
        if (d === self && s !== undefined) continue;
        if (s === undefined || !verifyShare(group, c, self, s)) {
          against.push(d);
          s?.destroy();
          this.#shares.delete(d);
        }
      }
    }
    this.#phase = 'complaints';
    const echo = [...this.#digests].map(([dealer, digest]) => ({ dealer, digest }));
    const msg: ComplaintMessage = { ...this.#header(), kind: 'complaint', against, echo };
    this.#complaints.set(self, against);
    this.#echoes.set(self, new Map(this.#digests));
    return msg;
  }

  /** End round 2: this server's answer, revealing its shares for the receivers that complained about it. */
  endComplaints(poly: SecretPolynomial | null): AnswerMessage {
    this.#expect('complaints');
    const { self } = this.params;
    const reveals: { to: number; share: Uint8Array }[] = [];
    if (poly !== null && this.isDealer) {
      for (const [from, against] of this.#complaints) {
        if (!against.includes(self)) continue;
        const s = poly.evaluate(from);
        reveals.push({ to: from, share: s.use((b) => Uint8Array.from(b)) });
        s.destroy();
      }
    }
    this.#phase = 'answers';
    const msg: AnswerMessage = { ...this.#header(), kind: 'answer', reveals };
    this.#answers.set(
      self,
      new Map(reveals.map((r) => [r.to, this.params.group.scalars.fromBytes(r.share)])),
    );
    return msg;
  }

  /** End round 3: the qualified set, and this server's shares from it. */
  finish(): DealingOutcome {
    this.#expect('answers');
    const { group, self } = this.params;
    // A dealer that showed different deals to different servers signed both. A deal counts as
    // witnessed when at least t+1 participants echo its hash (so at least one honest server
    // saw it: t liars cannot frame an honest dealer); two witnessed deals disqualify the
    // dealer. Every honest server has the same echoes (broadcast), so the verdict is the same.
    const witnesses = this.params.degree + 1;
    for (const d of this.params.dealers) {
      const votes = new Map<string, number>();
      for (const echo of this.#echoes.values()) {
        const h = echo.get(d);
        if (h === undefined) continue;
        const k = Buffer.from(h).toString('hex');
        votes.set(k, (votes.get(k) ?? 0) + 1);
      }
      const seen = [...votes.values()].filter((v) => v >= witnesses).length;
      // A more specific reason found earlier (a deal refused on receipt) stays.
      if (seen >= 2 && !this.#disqualified.has(d)) this.#disqualified.set(d, 'equivocation');
    }
    for (const [complainer, against] of this.#complaints) {
      for (const d of against) {
        const c = this.#deals.get(d);
        if (c === undefined || this.#disqualified.has(d)) continue;
        const v = this.#answers.get(d)?.get(complainer);
        if (v === undefined) this.#disqualified.set(d, 'no-answer-to-complaint');
        else if (!verifyPublicShare(group, c, complainer, v))
          this.#disqualified.set(d, 'share-does-not-match-commitments');
        else if (complainer === self) this.#shares.set(d, group.secretFromValue(v));
      }
    }
    const qualified = this.params.dealers.filter(
      (d) => this.#deals.has(d) && !this.#disqualified.has(d),
    );
    const commitments = new Map(
      qualified.map((d) => [d, this.#deals.get(d) as readonly GroupPoint[]]),
    );
    const shares = new Map<number, SecretScalar>();
    for (const [d, s] of this.#shares) {
      if (qualified.includes(d)) shares.set(d, s);
      else s.destroy();
    }
    this.#shares.clear();
    this.#phase = 'finished';
    const disqualified = new Map(this.#disqualified);
    return {
      qualified,
      disqualified,
      commitments,
      shares,
      get destroyed() {
        return [...shares.values()].every((s) => s.destroyed);
      },
      destroy() {
        for (const s of shares.values()) s.destroy();
      },
    };
  }

  /** The proof a dealer attached to its deal (DKG's proof of knowledge). */
  proofOf(dealer: number): Uint8Array | undefined {
    return this.#proofs.get(dealer);
  }

  #expect(phase: Phase): void {
    if (this.#phase !== phase)
      throw new ThresholdParameterError(`dealing is in phase ${this.#phase}, not ${phase}`);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    this.#destroyed = true;
    for (const s of this.#shares.values()) s.destroy();
    this.#shares.clear();
  }
}

/** The hash of a deal as it travels (each commitment length-prefixed, then the proof). */
function dealDigest(commitments: readonly Uint8Array[], proof: Uint8Array): Uint8Array {
  const h = sha256.create();
  for (const c of commitments) h.update(Uint8Array.of(c.length)).update(c);
  return h
    .update(Uint8Array.of(proof.length >> 8, proof.length & 0xff))
    .update(proof)
    .digest();
}
