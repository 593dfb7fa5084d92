/**
 * Proactive refresh (Herzberg, Jarecki, Krawczyk, Yung 1995): at the start of each period
 * every server deals a random polynomial with constant term ZERO; server i's new share is
 * s_i + Σ_{j∈QUAL} δ_j(i), the new commitments A_k + Σ D_jk. The key (A_0) is unchanged,
 * and the new shares lie on a fresh polynomial, so shares of different periods do not
 * combine. A contribution whose D_j0 is not the identity would move the key: it is refused
 * and its dealer named. The old share is destroyed once the new one verifies.
 */
import type { GroupPoint, RandomSource } from '@conduits/crypto';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { NotEnoughPartiesError, VerificationError } from './errors.js';
import { combineCommitments, KeyShare } from './key-share.js';
import { SecretPolynomial } from './polynomial.js';
import { sumSecrets } from './sum-shares.js';

export interface RefreshOptions {
  /** This server's share of the period ending; destroyed when the refresh succeeds. */
  readonly share: KeyShare;
  /** The servers taking part (default: all of the share's servers). */
  readonly servers?: readonly number[];
  readonly session?: number;
  readonly random?: RandomSource;
}

export class Refresh extends DealingProtocol<never, KeyShare> {
  readonly #old: KeyShare;
  readonly #random: RandomSource | undefined;

  constructor(options: RefreshOptions) {
    const old = options.share;
    const servers = options.servers ?? old.servers;
    super(
      new DealingSession({
        group: old.group,
        protocol: 'refresh',
        session: options.session ?? 0,
        period: old.period + 1,
        self: old.index,
        dealers: servers,
        receivers: servers,
        degree: old.threshold,
        random: options.random,
        checkDeal: (_dealer, c) =>
          (c[0] as GroupPoint).isIdentity() ? null : 'refresh-constant-not-zero',
      }),
    );
    this.#old = old;
    this.#random = options.random;
  }

  protected makePolynomial() {
    return {
      poly: SecretPolynomial.random(this.#old.group, this.#old.threshold, 'zero', this.#random),
    };
  }

  protected complete(o: DealingOutcome): KeyShare {
    const old = this.#old;
    if (o.qualified.length < old.threshold + 1)
      throw new NotEnoughPartiesError('refresh', o.qualified.length, old.threshold + 1);
    const share = sumSecrets(old.group, o.shares.values(), old.secret);
    const commitments = combineCommitments(old.group, [old.commitments, ...o.commitments.values()]);
    const next = new KeyShare(
      old.group,
      old.index,
      old.threshold,
      old.servers,
      share,
      commitments,
      old.period + 1,
    );
    if (!next.verify() || !next.publicKey.equals(old.publicKey)) {
      next.destroy();
      throw new VerificationError('refresh', 'new share does not match the new commitments');
    }
    old.destroy();
    return next;
  }
}
