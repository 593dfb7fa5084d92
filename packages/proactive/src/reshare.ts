/**
 * Resharing to a new committee (n', t') under the same public key (Desmedt–Jajodia /
 * Wong–Wang–Wing style; the 1999 toolkit could not resize its network): each old server j
 * deals its own share s_j on a fresh polynomial of degree t' (publicly checked: C_j0 must be
 * its verification point Y_j); new server i takes s'_i = Σ_{j∈S} λ_j·g_j(i) over the first
 * t+1 qualified dealers S, and the new commitments are Σ λ_j·C_j, whose constant term is
 * Σ λ_j·Y_j = the group key. Old shares are destroyed; retiring servers end with nothing.
 */
import type { Group, GroupPoint, RandomSource } from '@conduits/crypto';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { NotEnoughPartiesError, VerificationError } from './errors.js';
import { combineCommitments, KeyShare } from './key-share.js';
import { lagrangeAt } from './lagrange.js';
import { SecretPolynomial } from './polynomial.js';
import { sumSecrets } from './sum-shares.js';

export interface ReshareOptions {
  readonly group: Group;
  readonly self: number;
  /** Old servers dealing (at least t+1 of them). */
  readonly dealers: readonly number[];
  /** This server's old share, if it deals. Destroyed when the reshare finishes. */
  readonly share?: KeyShare;
  /** The old period's public state. */
  readonly oldThreshold: number;
  readonly oldCommitments: readonly GroupPoint[];
  readonly oldPeriod: number;
  /** The new committee and its threshold. */
  readonly newServers: readonly number[];
  readonly newThreshold: number;
  readonly session?: number;
  readonly random?: RandomSource;
}

export class Reshare extends DealingProtocol<never, KeyShare | null> {
  readonly #o: ReshareOptions;

  constructor(o: ReshareOptions) {
    super(
      new DealingSession({
        group: o.group,
        protocol: 'reshare',
        session: o.session ?? 0,
        period: o.oldPeriod + 1,
        self: o.self,
        dealers: o.dealers,
        receivers: o.newServers,
        degree: o.newThreshold,
        random: o.random,
        checkDeal: (j, c) =>
          (c[0] as GroupPoint).equals(o.group.evaluateCommitment(o.oldCommitments, BigInt(j)))
            ? null
            : 'reshare-constant-not-share',
      }),
    );
    this.#o = o;
  }

  protected makePolynomial() {
    const { group, newThreshold, share, random } = this.#o;
    return {
      poly:
        share === undefined
          ? null
          : SecretPolynomial.random(group, newThreshold, share.secret, random),
    };
  }

  protected complete(o: DealingOutcome): KeyShare | null {
    const {
      group,
      self,
      oldThreshold,
      oldCommitments,
      newServers,
      newThreshold,
      oldPeriod,
      share,
    } = this.#o;
    if (o.qualified.length < oldThreshold + 1)
      throw new NotEnoughPartiesError('reshare', o.qualified.length, oldThreshold + 1);
    const set = [...o.qualified].sort((a, b) => a - b).slice(0, oldThreshold + 1);
    const lambdas = set.map((j) => lagrangeAt(group.scalars, set, j));
    share?.destroy();
    if (!newServers.includes(self)) return null;
    const terms = set.map((j, k) =>
      (o.shares.get(j) as NonNullable<ReturnType<typeof o.shares.get>>).times(lambdas[k] as bigint),
    );
    const s = sumSecrets(group, terms);
    for (const t of terms) t.destroy();
    const commitments = combineCommitments(
      group,
      set.map((j) => o.commitments.get(j) as readonly GroupPoint[]),
      lambdas,
    );
    const key = new KeyShare(group, self, newThreshold, newServers, s, commitments, oldPeriod + 1);
    if (!key.verify() || !key.publicKey.equals(oldCommitments[0] as GroupPoint)) {
      key.destroy();
      throw new VerificationError(
        'reshare',
        'new share does not match the new commitments or the key moved',
      );
    }
    return key;
  }
}
