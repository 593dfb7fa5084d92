/**
 * The round messages of every dealing protocol (DKG, refresh, resharing, recovery, joint
 * secrets). Every message names its protocol, its session and its period: a message of an
 * earlier period (a replay) is refused by the receiver before anything else is looked at.
 * Points and scalars travel as bytes and are decoded and validated on receipt. Sender
 * authenticity is the broadcast layer's job (`conduit/` signs every message).
 *
 * Rounds: 1 deal (broadcast commitments + one private share per receiver), 2 complaints
 * (broadcast), 3 answers (the accused dealer reveals the disputed shares, broadcast).
 */
export const protocols = [
  'dkg',
  'refresh',
  'reshare',
  'recovery',
  'joint-secret',
  'joint-random',
  'frost-sign',
] as const;
export type ProtocolTag = (typeof protocols)[number];

export interface Header {
  readonly protocol: ProtocolTag;
  /** Which run of the protocol within the period (several recoveries in one period, say). */
  readonly session: number;
  readonly period: number;
  readonly from: number;
}

/** Round 1, broadcast: the dealer's commitments (and, in a DKG, a proof of knowledge of a_0). */
export interface DealMessage extends Header {
  readonly kind: 'deal';
  readonly commitments: readonly Uint8Array[];
  /** Schnorr proof (R ‖ z) of knowledge of a_0 (DKG); empty otherwise. */
  readonly proof: Uint8Array;
}

/** Round 1, private to `to`: f(to). Secret: the wire must keep it confidential and wipe it. */
export interface ShareMessage extends Header {
  readonly kind: 'share';
  readonly to: number;
  readonly share: Uint8Array;
}

/** Round 2, broadcast: the dealers whose share to `from` was missing or wrong. */
export interface ComplaintMessage extends Header {
  readonly kind: 'complaint';
  readonly against: readonly number[];
  /**
   * The echo: for each dealer whose deal `from` received, a hash of that deal (commitments and
   * proof). A dealer that showed different deals to different servers is caught here.
   */
  readonly echo?: readonly { readonly dealer: number; readonly digest: Uint8Array }[];
}

/** Round 3, broadcast: the accused dealer's shares for its complainers, now public. */
export interface AnswerMessage extends Header {
  readonly kind: 'answer';
  readonly reveals: readonly { readonly to: number; readonly share: Uint8Array }[];
}

export type DealingMessage = DealMessage | ShareMessage | ComplaintMessage | AnswerMessage;

export const roundOf = (m: DealingMessage): 1 | 2 | 3 =>
  m.kind === 'deal' || m.kind === 'share' ? 1 : m.kind === 'complaint' ? 2 : 3;

/** Recovery, round 4, private to the recovering server: s_i + Σ δ_j(i), a point of a blinded polynomial. */
export interface ContributionMessage extends Header {
  readonly kind: 'contribution';
  readonly to: number;
  readonly value: Uint8Array;
}

/** Joint randomness, rounds 4 and 5, broadcast: a dealer's constant term, then shares of dealers that withheld it. */
export interface RevealMessage extends Header {
  readonly kind: 'reveal';
  readonly round: 4 | 5;
  /** Round 4: [{dealer: from, value: a_0}]; round 5: [{dealer: j, value: f_j(from)}] for each j that did not reveal. */
  readonly values: readonly { readonly dealer: number; readonly value: Uint8Array }[];
}

/** FROST signing, round 1, broadcast: the signer's nonce commitments for this run (one per attempt). */
export interface CommitMessage extends Header {
  readonly kind: 'commit';
  readonly commitments: readonly {
    readonly nonce: number;
    readonly hiding: Uint8Array;
    readonly binding: Uint8Array;
  }[];
}

/** FROST signing, round 1 + attempt, broadcast: the signer's signature share for that attempt's package. */
export interface SignatureShareMessage extends Header {
  readonly kind: 'sig-share';
  readonly attempt: number;
  readonly share: Uint8Array;
}
