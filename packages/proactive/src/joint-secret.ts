/**
 * GenerateJointSecret: a secret shared among the servers by VSS, never held whole. Random:
 * every server deals (the DKG, with its proofs of knowledge). Given: one server deals a value
 * it holds (`value`), the others verify their shares against its commitments, complain, and
 * disqualify it if its shares do not match.
 */
import type { Group, RandomSource, SecretScalar } from '@conduits/crypto';
import { DealingProtocol } from './dealing-protocol.js';
import { DealingSession, type DealingOutcome } from './dealing-session.js';
import { Dkg } from './dkg.js';
import { NotEnoughPartiesError } from './errors.js';
import { KeyShare } from './key-share.js';
import { SecretPolynomial } from './polynomial.js';

export interface GivenSecretOptions {
  readonly group: Group;
  readonly self: number;
  readonly servers: readonly number[];
  readonly threshold: number;
  readonly period: number;
  /** The server that holds the value. */
  readonly dealer: number;
  /** The value (at the dealer only; copied, the caller keeps and destroys its own). */
  readonly value?: SecretScalar;
  readonly session?: number;
  readonly random?: RandomSource;
}

/** A given value shared by its holder with VSS. */
export class GivenSecret extends DealingProtocol<never, KeyShare> {
  readonly #o: GivenSecretOptions;
  constructor(o: GivenSecretOptions) {
    super(
      new DealingSession({
        group: o.group,
        protocol: 'joint-secret',
        session: o.session ?? 0,
        period: o.period,
        self: o.self,
        dealers: [o.dealer],
        receivers: o.servers,
        degree: o.threshold,
        random: o.random,
      }),
    );
    this.#o = o;
  }

  protected makePolynomial() {
    const { group, threshold, value, random, self, dealer } = this.#o;
    return {
      poly:
        self === dealer && value !== undefined
          ? SecretPolynomial.random(group, threshold, value, random)
          : null,
    };
  }

  protected complete(o: DealingOutcome): KeyShare {
    const { group, self, servers, threshold, period, dealer } = this.#o;
    const s = o.shares.get(dealer);
    const c = o.commitments.get(dealer);
    if (s === undefined || c === undefined) throw new NotEnoughPartiesError('joint-secret', 0, 1);
    return new KeyShare(group, self, threshold, servers, s.clone(), c, period);
  }
}

/** A random joint secret: the DKG (every server contributes; nobody knows the sum). */
export function randomJointSecret(options: ConstructorParameters<typeof Dkg>[0]): Dkg {
  return new Dkg(options);
}
