/**
 * FROST (RFC 9591) threshold Schnorr signatures over Ed25519 with shares from our DKG and
 * refresh: the signatures are plain Ed25519 signatures under the group key. The RFC's
 * arithmetic (binding factors, group commitment, challenge, share verification, aggregation)
 * is @noble/curves' `ed25519_FROST`; this file adds what a long-lived service needs around
 * it: nonces precomputed in batches and kept in wiped `Secret`s until their one use, the
 * public package rebuilt for each period's commitments, and a coordinator that names the
 * signer of a bad share and signs again without it.
 */
import { Secret, type Destroyable, type GroupPoint, type RandomSource } from '@conduits/crypto';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { BadSignatureShareError, NonceExhaustedError, NotEnoughPartiesError, ThresholdParameterError } from './errors.js';
import type { KeyShare } from './key-share.js';

const frost = ed25519_FROST;
const ids = new Map<number, string>();
/** RFC 9591's identifier of server i (the scalar i). */
export function frostIdentifier(i: number): string {
  let id = ids.get(i);
  if (id === undefined) ids.set(i, (id = frost.Identifier.fromNumber(i)));
  return id;
}

/** A published nonce commitment pair: `nonce` numbers it within its signer's batch. */
export interface NonceCommitment {
  readonly signer: number;
  readonly period: number;
  readonly nonce: number;
  readonly hiding: Uint8Array;
  readonly binding: Uint8Array;
}

/** What the coordinator sends the chosen signers: the message and one commitment each. */
export interface SigningPackage {
  readonly period: number;
  readonly message: Uint8Array;
  readonly commitments: readonly NonceCommitment[];
}

export interface SignatureShare {
  readonly signer: number;
  readonly share: Uint8Array;
}

/** The public FROST package of a period: group commitments A_k and every server's Y_i. */
export interface FrostPublicData {
  readonly period: number;
  readonly threshold: number;
  readonly servers: readonly number[];
  readonly commitments: readonly GroupPoint[];
}

function publicPackage(p: FrostPublicData) {
  const group = p.commitments[0];
  if (group === undefined || group.group !== 'ed25519') throw new ThresholdParameterError('FROST here is FROST(Ed25519, SHA-512): an ed25519 key is needed');
  const verifyingShares: Record<string, Uint8Array> = {};
  const acc = p.commitments;
  for (const i of p.servers) {
    // Y_i = Σ A_k·i^k (Horner), on the public commitments.
    let y = acc[acc.length - 1] as GroupPoint;
    for (let k = acc.length - 2; k >= 0; k--) y = y.multiply(BigInt(i)).add(acc[k] as GroupPoint);
    verifyingShares[frostIdentifier(i)] = y.toBytes();
  }
  return {
    signers: { min: p.threshold + 1, max: Math.max(p.threshold + 1, ...p.servers) },
    commitments: p.commitments.map((c) => c.toBytes()),
    verifyingShares,
  };
}

/** The public data of a key share's period. */
export function frostPublicData(key: KeyShare): FrostPublicData {
  return { period: key.period, threshold: key.threshold, servers: key.servers, commitments: key.commitments };
}

const listOf = (pkg: SigningPackage) => pkg.commitments.map((c) => ({ identifier: frostIdentifier(c.signer), hiding: c.hiding, binding: c.binding }));

/** One server's signing side: its share, its unused nonces. */
export class FrostSigner implements Destroyable {
  readonly #key: KeyShare;
  readonly #random: RandomSource | undefined;
  readonly #nonces = new Map<number, { hiding: Secret; binding: Secret; commitment: NonceCommitment }>();
  readonly #pub: ReturnType<typeof publicPackage>;
  #next = 0;

  constructor(key: KeyShare, random?: RandomSource) {
    this.#key = key;
    this.#random = random;
    this.#pub = publicPackage(frostPublicData(key));
  }

  get index(): number {
    return this.#key.index;
  }

  /** Nonces left. */
  get unused(): number {
    return this.#nonces.size;
  }

  #secret() {
    return { identifier: frostIdentifier(this.#key.index), signingShare: this.#key.secret.use((b) => Uint8Array.from(b)) };
  }

  /** Make `count` nonce pairs now (RFC 9591 commit(), hedged with the share), publish their commitments. */
  precompute(count: number): NonceCommitment[] {
    const out: NonceCommitment[] = [];
    const secret = this.#secret();
    const random = this.#random;
    const rng = random === undefined ? undefined : (n = 32) => random(n) as Uint8Array<ArrayBuffer>;
    try {
      for (let i = 0; i < count; i++) {
        const { nonces, commitments } = frost.commit(secret, rng);
        const c: NonceCommitment = { signer: this.#key.index, period: this.#key.period, nonce: this.#next++, hiding: commitments.hiding, binding: commitments.binding };
        this.#nonces.set(c.nonce, { hiding: new Secret('frost-nonce', nonces.hiding), binding: new Secret('frost-nonce', nonces.binding), commitment: c });
        nonces.hiding.fill(0);
        nonces.binding.fill(0);
        out.push(c);
      }
    } finally {
      secret.signingShare.fill(0);
    }
    return out;
  }

  /**
   * This signer's share of the signature on `pkg.message`, with the nonce its commitment in the
   * package names; the nonce is destroyed whether or not signing succeeds (never used twice).
   */
  sign(pkg: SigningPackage): SignatureShare {
    const me = this.#key.index;
    if (pkg.period !== this.#key.period) throw new ThresholdParameterError(`signing package of period ${pkg.period}, share of period ${this.#key.period}`);
    const mine = pkg.commitments.find((c) => c.signer === me);
    if (mine === undefined) throw new ThresholdParameterError(`signer ${me} is not in the package`);
    const entry = this.#nonces.get(mine.nonce);
    if (entry === undefined) throw new NonceExhaustedError(me);
    this.#nonces.delete(mine.nonce);
    const secret = this.#secret();
    const nonces = { hiding: entry.hiding.use((b) => Uint8Array.from(b)), binding: entry.binding.use((b) => Uint8Array.from(b)) };
    entry.hiding.destroy();
    entry.binding.destroy();
    try {
      return { signer: me, share: frost.signShare(secret, this.#pub, nonces, listOf(pkg), pkg.message) };
    } finally {
      secret.signingShare.fill(0);
      nonces.hiding.fill(0);
      nonces.binding.fill(0);
    }
  }

  get destroyed(): boolean {
    return this.#nonces.size === 0 && this.#key.destroyed;
  }

  /** Wipe every unused nonce (the share is the KeyShare owner's). */
  destroy(): void {
    for (const e of this.#nonces.values()) {
      e.hiding.destroy();
      e.binding.destroy();
    }
    this.#nonces.clear();
  }
}

/**
 * The coordinator (RFC 9591 §5): keeps the signers' published commitments, picks t+1 signers
 * with an unused one for each message, checks the shares and aggregates. A share that does not
 * verify names its signer; `sign` then leaves that signer out and tries the others.
 */
export class FrostCoordinator {
  readonly #pub: ReturnType<typeof publicPackage>;
  readonly #pool = new Map<number, NonceCommitment[]>();
  readonly data: FrostPublicData;

  constructor(data: FrostPublicData) {
    this.data = data;
    this.#pub = publicPackage(data);
  }

  get publicKey(): Uint8Array {
    return this.#pub.commitments[0] as Uint8Array;
  }

  /** Take published commitments (of this period only; others are ignored and counted). */
  addCommitments(list: readonly NonceCommitment[]): number {
    let refused = 0;
    for (const c of list) {
      if (c.period !== this.data.period || !this.data.servers.includes(c.signer)) {
        refused++;
        continue;
      }
      let q = this.#pool.get(c.signer);
      if (q === undefined) this.#pool.set(c.signer, (q = []));
      q.push(c);
    }
    return refused;
  }

  /** Commitments left for `signer`. */
  available(signer: number): number {
    return this.#pool.get(signer)?.length ?? 0;
  }

  /** A signing package for t+1 signers out of `candidates` (default: all), each with an unused commitment. */
  package(message: Uint8Array, candidates: readonly number[] = this.data.servers): SigningPackage {
    const need = this.data.threshold + 1;
    const chosen = candidates.filter((s) => this.available(s) > 0).slice(0, need);
    if (chosen.length < need) throw new NotEnoughPartiesError('frost-sign', chosen.length, need);
    const commitments = chosen.map((s) => (this.#pool.get(s) as NonceCommitment[]).shift() as NonceCommitment);
    return { period: this.data.period, message, commitments };
  }

  /** Check one share (RFC 9591 §5.4). */
  verifyShare(pkg: SigningPackage, share: SignatureShare): boolean {
    try {
      return frost.verifyShare(this.#pub, listOf(pkg), pkg.message, frostIdentifier(share.signer), share.share);
    } catch {
      return false;
    }
  }

  /** Aggregate: the Ed25519 signature, or BadSignatureShareError naming the signers whose shares fail. */
  aggregate(pkg: SigningPackage, shares: readonly SignatureShare[]): Uint8Array {
    const byId: Record<string, Uint8Array> = {};
    for (const s of shares) byId[frostIdentifier(s.signer)] = s.share;
    const missing = pkg.commitments.filter((c) => !shares.some((s) => s.signer === c.signer)).map((c) => c.signer);
    if (missing.length > 0) throw new NotEnoughPartiesError('frost-aggregate', shares.length, pkg.commitments.length);
    try {
      return frost.aggregate(this.#pub, listOf(pkg), pkg.message, byId);
    } catch (e) {
      const cheaters = (e as { cheaters?: string[] }).cheaters ?? [];
      const named = pkg.commitments.filter((c) => cheaters.includes(frostIdentifier(c.signer))).map((c) => c.signer);
      throw new BadSignatureShareError(named.length > 0 ? named : shares.filter((s) => !this.verifyShare(pkg, s)).map((s) => s.signer));
    }
  }

  /**
   * Sign `message` with whichever signers answer honestly: `ask(pkg)` collects the shares (a
   * signer that withholds is simply absent from what it returns); a signer that withholds or
   * sends a bad share is left out and a new package made with the others, while t+1 remain.
   * Returns the signature and the signers excluded (with why).
   */
  sign(message: Uint8Array, ask: (pkg: SigningPackage) => SignatureShare[]): { signature: Uint8Array; excluded: Map<number, 'withheld' | 'bad-share'> } {
    const excluded = new Map<number, 'withheld' | 'bad-share'>();
    for (;;) {
      const pkg = this.package(message, this.data.servers.filter((s) => !excluded.has(s)));
      const shares = ask(pkg);
      for (const c of pkg.commitments) if (!shares.some((s) => s.signer === c.signer)) excluded.set(c.signer, 'withheld');
      if (shares.length === pkg.commitments.length) {
        try {
          return { signature: this.aggregate(pkg, shares), excluded };
        } catch (e) {
          if (!(e instanceof BadSignatureShareError)) throw e;
          for (const s of e.signers) excluded.set(s, 'bad-share');
          if (e.signers.length === 0) throw e;
        }
      }
    }
  }
}

/** Plain Ed25519 verification of a group signature (RFC 8032, as any verifier does it). */
export function verifyFrostSignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return frost.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
