/**
 * FROST signing (RFC 9591) as a `RoundProtocol` over the servers' broadcast, with no separate
 * coordinator: every server of the run aggregates for itself, from the same broadcasts.
 *
 *   round 1        each signer broadcasts `attempts` nonce commitments (precomputed, one per attempt);
 *   round 1 + a    attempt a: the package is the t+1 lowest-numbered signers not excluded that
 *                  still have an unused commitment (every server computes the same one); the
 *                  chosen signers broadcast their shares; each server checks the aggregate, and
 *                  on failure each share (RFC 9591 §5.4): a bad share names its signer, a share
 *                  missing at the round's deadline names a withholder; both are excluded and the
 *                  next attempt runs, while t+1 signers remain.
 *
 * A signer signs only the package its own view computes, with a commitment it made for this
 * run, each nonce once (the `FrostSigner` destroys it); its commitments unused when the run
 * ends are destroyed. The signature is a plain Ed25519 signature under the group key.
 */
import { nobleGroup } from '@conduits/crypto';
import {
  BadSignatureShareError,
  NotEnoughPartiesError,
  ThresholdParameterError,
} from './errors.js';
import {
  FrostCoordinator,
  type FrostPublicData,
  type FrostSigner,
  type NonceCommitment,
  type SignatureShare,
  type SigningPackage,
} from './frost.js';
import type { CommitMessage, SignatureShareMessage } from './messages.js';
import type { Outgoing, RoundProtocol } from './round-protocol.js';

type SigningMessage = CommitMessage | SignatureShareMessage;

export interface FrostSigningOptions {
  readonly self: number;
  /** The group's public data of the period (the key's commitments). */
  readonly publicData: FrostPublicData;
  /** This server's signer (absent: it only watches and aggregates). */
  readonly signer?: FrostSigner;
  readonly message: Uint8Array;
  /** The servers that sign (default: all of the period's servers). */
  readonly signers?: readonly number[];
  /** Commitments per signer, so the run can exclude and retry this often. @default 3 */
  readonly attempts?: number;
  readonly session?: number;
}

/** Why a signer was left out. */
export type ExclusionReason = 'no-commitments' | 'bad-commitments' | 'withheld' | 'bad-share';

export interface FrostSigningResult {
  readonly signature: Uint8Array;
  /** The signers whose shares made it. */
  readonly signers: readonly number[];
  readonly excluded: ReadonlyMap<number, ExclusionReason>;
  readonly attempts: number;
}

const ed = nobleGroup('ed25519');

export class FrostSigning implements RoundProtocol<SigningMessage, FrostSigningResult> {
  readonly self: number;
  readonly excluded = new Map<number, ExclusionReason>();
  readonly #o: FrostSigningOptions;
  readonly #signers: readonly number[];
  readonly #attempts: number;
  readonly #coordinator: FrostCoordinator;
  /** Each signer's unused commitments of this run, in order. */
  readonly #queues = new Map<number, NonceCommitment[]>();
  /** This server's own commitments (to destroy those left unused). */
  #mine: NonceCommitment[] = [];
  readonly #shares = new Map<number, SignatureShare>();
  #package: SigningPackage | null = null;
  #round = 1;
  #result: FrostSigningResult | null = null;
  #error: Error | null = null;
  #destroyed = false;

  constructor(options: FrostSigningOptions) {
    this.#o = options;
    this.self = options.self;
    this.#signers = [...(options.signers ?? options.publicData.servers)].sort((a, b) => a - b);
    this.#attempts = options.attempts ?? 3;
    if (
      options.signer !== undefined &&
      (options.signer.index !== options.self || options.signer.period !== options.publicData.period)
    )
      throw new ThresholdParameterError('the signer is not this server of this period');
    if (this.#signers.length < options.publicData.threshold + 1)
      throw new NotEnoughPartiesError(
        'frost-sign',
        this.#signers.length,
        options.publicData.threshold + 1,
      );
    this.#coordinator = new FrostCoordinator(options.publicData);
  }

  get round(): number {
    return this.#round;
  }

  get finished(): boolean {
    return this.#result !== null || this.#error !== null;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get #attempt(): number {
    return this.#round - 1;
  }

  #header() {
    return {
      protocol: 'frost-sign' as const,
      session: this.#o.session ?? 0,
      period: this.#o.publicData.period,
      from: this.self,
    };
  }

  #isSigner(): boolean {
    return this.#o.signer !== undefined && this.#signers.includes(this.self);
  }

  start(): Outgoing<SigningMessage>[] {
    if (!this.#isSigner()) return [];
    this.#mine = (this.#o.signer as FrostSigner).precompute(this.#attempts);
    this.#queues.set(this.self, [...this.#mine]);
    const msg: CommitMessage = {
      ...this.#header(),
      kind: 'commit',
      commitments: this.#mine.map((c) => ({
        nonce: c.nonce,
        hiding: c.hiding,
        binding: c.binding,
      })),
    };
    return [{ msg }];
  }

  receive(m: SigningMessage): string | null {
    if (this.finished) return 'finished';
    if (m.protocol !== 'frost-sign') return 'wrong-protocol';
    if (m.period < this.#o.publicData.period) return 'stale-period';
    if (m.period > this.#o.publicData.period) return 'future-period';
    if (m.session !== (this.#o.session ?? 0)) return 'wrong-session';
    if (m.from === this.self) return 'own-message';
    if (!this.#signers.includes(m.from)) return 'not-a-signer';
    if (m.kind === 'commit') {
      if (this.#round !== 1) return 'too-late';
      if (this.#queues.has(m.from) || this.excluded.has(m.from)) return 'duplicate';
      const list: NonceCommitment[] = [];
      for (const c of m.commitments) {
        if (ed.tryPoint(c.hiding) === null || ed.tryPoint(c.binding) === null) {
          this.excluded.set(m.from, 'bad-commitments');
          return null;
        }
        list.push({
          signer: m.from,
          period: m.period,
          nonce: c.nonce,
          hiding: c.hiding,
          binding: c.binding,
        });
      }
      this.#queues.set(m.from, list.slice(0, this.#attempts));
      return null;
    }
    if (m.kind === 'sig-share') {
      if (m.attempt !== this.#attempt)
        return m.attempt < this.#attempt ? 'past-attempt' : 'future-attempt';
      if (this.#package === null || !this.#package.commitments.some((c) => c.signer === m.from))
        return 'not-in-package';
      if (this.#shares.has(m.from)) return 'duplicate';
      this.#shares.set(m.from, { signer: m.from, share: m.share });
      return null;
    }
    return 'unexpected';
  }

  roundComplete(): boolean {
    if (this.#round === 1)
      return this.#signers.every(
        (s) => s === this.self || this.#queues.has(s) || this.excluded.has(s),
      );
    const pkg = this.#package;
    return pkg === null || pkg.commitments.every((c) => this.#shares.has(c.signer));
  }

  advance(): Outgoing<SigningMessage>[] {
    if (this.finished) return [];
    try {
      if (this.#round === 1) {
        for (const s of this.#signers)
          if (!this.#queues.has(s) && !this.excluded.has(s)) this.excluded.set(s, 'no-commitments');
      } else if (this.#settle()) return [];
      return this.#next();
    } catch (e) {
      this.#error = e as Error;
      this.destroy();
      return [];
    }
  }

  /** End an attempt: true if it gave the signature, else its withholders and bad signers excluded. */
  #settle(): boolean {
    const pkg = this.#package as SigningPackage;
    const shares: SignatureShare[] = [];
    for (const c of pkg.commitments) {
      const s = this.#shares.get(c.signer);
      if (s === undefined) this.excluded.set(c.signer, 'withheld');
      else shares.push(s);
    }
    if (shares.length === pkg.commitments.length) {
      try {
        const signature = this.#coordinator.aggregate(pkg, shares);
        this.#result = {
          signature,
          signers: pkg.commitments.map((c) => c.signer),
          excluded: this.excluded,
          attempts: this.#attempt,
        };
        this.#forgetMine();
        this.#round++;
        return true;
      } catch (e) {
        if (!(e instanceof BadSignatureShareError) || e.signers.length === 0) throw e;
        for (const s of e.signers) this.excluded.set(s, 'bad-share');
      }
    } else {
      // Someone withheld: still name the bad shares among those that came.
      for (const s of shares)
        if (!this.#coordinator.verifyShare(pkg, s)) this.excluded.set(s.signer, 'bad-share');
    }
    return false;
  }

  /** Start the next attempt: its package, and this server's share if it is chosen. */
  #next(): Outgoing<SigningMessage>[] {
    const need = this.#o.publicData.threshold + 1;
    if (this.#attempt >= this.#attempts) throw new NotEnoughPartiesError('frost-sign', 0, need);
    const chosen = this.#signers
      .filter((s) => !this.excluded.has(s) && (this.#queues.get(s)?.length ?? 0) > 0)
      .slice(0, need);
    if (chosen.length < need) throw new NotEnoughPartiesError('frost-sign', chosen.length, need);
    const commitments = chosen.map(
      (s) => (this.#queues.get(s) as NonceCommitment[]).shift() as NonceCommitment,
    );
    const pkg: SigningPackage = {
      period: this.#o.publicData.period,
      message: this.#o.message,
      commitments,
    };
    this.#package = pkg;
    this.#shares.clear();
    this.#round++;
    if (!chosen.includes(this.self) || !this.#isSigner()) return [];
    const mine = (this.#o.signer as FrostSigner).sign(pkg);
    this.#shares.set(this.self, mine);
    return [
      { msg: { ...this.#header(), kind: 'sig-share', attempt: this.#attempt, share: mine.share } },
    ];
  }

  #forgetMine(): void {
    this.#o.signer?.forget(this.#mine);
    this.#mine = [];
  }

  result(): FrostSigningResult {
    if (this.#error !== null) throw this.#error;
    if (this.#result === null) throw new ThresholdParameterError('the run has not finished');
    return this.#result;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#forgetMine();
  }
}
