/**
 * The three dealing rounds of `DealingSession` as a `RoundProtocol`, with a protocol-specific
 * polynomial, deal check and final step supplied by the subclass (DKG, refresh, resharing,
 * recovery, joint secrets and randomness). Subclasses may add rounds after the third.
 */
import { ThresholdParameterError } from './errors.js';
import type { DealingSession } from './dealing-session.js';
import { type DealingOutcome } from './dealing-session.js';
import type { DealingMessage } from './messages.js';
import type { SecretPolynomial } from './polynomial.js';
import type { Outgoing, RoundProtocol } from './round-protocol.js';

export abstract class DealingProtocol<M extends { kind: string }, R> implements RoundProtocol<
  DealingMessage | M,
  R
> {
  protected readonly dealing: DealingSession;
  protected poly: SecretPolynomial | null = null;
  protected outcome: DealingOutcome | null = null;
  #round = 1;
  #result: R | null = null;
  #done = false;
  #error: Error | null = null;

  protected constructor(dealing: DealingSession) {
    this.dealing = dealing;
  }

  get self(): number {
    return this.dealing.params.self;
  }

  get round(): number {
    return this.#round;
  }

  get finished(): boolean {
    return this.#done || this.#error !== null;
  }

  /** This server's polynomial (null if it does not deal) and its deal's proof. */
  protected abstract makePolynomial(): { poly: SecretPolynomial | null; proof?: Uint8Array };
  /** Rounds after the third (0 by default); `extraRound(4)` gives round 4's messages, and so on. */
  protected extraRounds(): number {
    return 0;
  }
  protected extraRound(_round: number): Outgoing<M>[] {
    return [];
  }
  protected receiveExtra(_msg: M): string | null {
    return 'unexpected';
  }
  protected extraComplete(): boolean {
    return true;
  }
  /** The final step, from the dealing's outcome (and the extra rounds' messages). */
  protected abstract complete(outcome: DealingOutcome): R;

  start(): Outgoing<DealingMessage | M>[] {
    const { poly, proof } = this.makePolynomial();
    this.poly = poly;
    if (poly === null || !this.dealing.isDealer) return [];
    const { broadcast, privates } = this.dealing.deal(poly, proof);
    return [{ msg: broadcast }, ...privates.map((p) => ({ to: p.to, msg: p }))];
  }

  receive(msg: DealingMessage | M): string | null {
    if (this.finished) return 'finished';
    if (
      msg.kind === 'deal' ||
      msg.kind === 'share' ||
      msg.kind === 'complaint' ||
      msg.kind === 'answer'
    )
      return this.dealing.receive(msg as DealingMessage);
    return this.receiveExtra(msg as M);
  }

  roundComplete(): boolean {
    return this.#round <= 3 ? this.dealing.roundComplete() : this.extraComplete();
  }

  advance(): Outgoing<DealingMessage | M>[] {
    if (this.finished) return [];
    try {
      const r = this.#round++;
      if (r === 1)
        return this.dealing.participants.includes(this.self)
          ? [{ msg: this.dealing.endDealing() }]
          : (this.dealing.endDealing(), []);
      if (r === 2)
        return this.dealing.participants.includes(this.self)
          ? [{ msg: this.dealing.endComplaints(this.poly) }]
          : (this.dealing.endComplaints(null), []);
      if (r === 3) {
        this.outcome = this.dealing.finish();
        // The extra rounds may still need the polynomial (joint randomness reveals a_0).
        const out = this.extraRounds() === 0 ? this.#finish() : this.extraRound(4);
        this.poly?.destroy();
        return out;
      }
      if (r < 3 + this.extraRounds()) return this.extraRound(r + 1);
      return this.#finish();
    } catch (e) {
      this.#error = e as Error;
      this.destroy();
      return [];
    }
  }

  #finish(): [] {
    this.#result = this.complete(this.outcome as DealingOutcome);
    this.#done = true;
    this.outcome?.destroy();
    return [];
  }

  result(): R {
    if (this.#error !== null) throw this.#error;
    if (!this.#done) throw new ThresholdParameterError('the run has not finished');
    return this.#result as R;
  }

  /** The outcome's qualified set and named disqualifications (after round 3). */
  get disqualified(): ReadonlyMap<number, string> {
    return this.outcome?.disqualified ?? new Map();
  }

  get destroyed(): boolean {
    return this.dealing.destroyed;
  }

  destroy(): void {
    this.poly?.destroy();
    this.outcome?.destroy();
    this.dealing.destroy();
  }
}
