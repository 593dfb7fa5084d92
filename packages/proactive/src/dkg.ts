/**
 * Distributed key generation: every server deals a random polynomial of degree t with a
 * proof of knowledge of its constant term; complaints and answers settle the qualified set;
 * server i's share is Σ_{j∈QUAL} f_j(i) and the group key Σ_{j∈QUAL} G·a_j0. Nobody ever
 * holds the key. (Feldman commitments plus proofs of knowledge, as FROST's DKG; GJKR's
 * Pedersen phase guards the key's distribution against a rushing adversary's selective
 * disqualification, which for signing keys the proofs of knowledge make harmless.)
 */
import type { Group, RandomSource } from '@conduits/crypto';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { NotEnoughPartiesError, VerificationError } from './errors.js';
import { combineCommitments, KeyShare } from './key-share.js';
import { SecretPolynomial } from './polynomial.js';
import { proveKnowledge, verifyKnowledge } from './proof-of-knowledge.js';
import { sumSecrets } from './sum-shares.js';

export interface DkgOptions {
  readonly group: Group;
  readonly self: number;
  readonly servers: readonly number[];
  /** t: t+1 shares sign, t learn nothing. */
  readonly threshold: number;
  readonly period?: number;
  readonly session?: number;
  readonly random?: RandomSource;
}

export class Dkg extends DealingProtocol<never, KeyShare> {
  readonly #options: DkgOptions;

  constructor(options: DkgOptions) {
    const { group, self, servers, threshold } = options;
    const period = options.period ?? 0;
    const session = options.session ?? 0;
    super(
      new DealingSession({
        group,
        protocol: 'dkg',
        session,
        period,
        self,
        dealers: servers,
        receivers: servers,
        degree: threshold,
        random: options.random,
        checkDeal: (dealer, c, proof) =>
          verifyKnowledge(group, c[0] as never, proof, dealer, session, period)
            ? null
            : 'bad-proof-of-knowledge',
      }),
    );
    this.#options = options;
  }

  protected makePolynomial() {
    const { group, threshold, self, random } = this.#options;
    const { session, period } = this.dealing.params;
    const poly = SecretPolynomial.random(group, threshold, 'random', random);
    const a0 = poly.constantTerm();
    const proof = proveKnowledge(group, a0, self, session, period, random);
    a0.destroy();
    return { poly, proof };
  }

  protected complete(o: DealingOutcome): KeyShare {
    const { group, self, servers, threshold } = this.#options;
    if (o.qualified.length < threshold + 1)
      throw new NotEnoughPartiesError('dkg', o.qualified.length, threshold + 1);
    const share = sumSecrets(group, o.shares.values());
    const commitments = combineCommitments(group, [...o.commitments.values()]);
    const key = new KeyShare(
      group,
      self,
      threshold,
      servers,
      share,
      commitments,
      this.dealing.params.period,
    );
    if (!key.verify()) {
      key.destroy();
      throw new VerificationError('dkg', 'share does not match the combined commitments');
    }
    return key;
  }
}
