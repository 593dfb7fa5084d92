/**
 * FROST (RFC 9591) threshold Schnorr signatures over Ed25519 with shares from our DKG and
 * refresh: the signatures are plain Ed25519 signatures under the group key. Nonces come from
 * @noble/curves' `ed25519_FROST.commit()` (RFC 9591 §5.1, hedged with the share), precomputed
 * in batches and kept in wiped `Secret`s until their one use. The round-two arithmetic
 * (§4.4 binding factors, §4.5 group commitment, §5.2 share, §5.3 aggregate, §5.4 share check)
 * is written here on the engine's ed25519 group, because noble's `signShare`/`aggregate`
 * decode and subgroup-check every point of the public package on every call (~30 ms a share
 * on this machine); RFC 9591's vector (test/frost.test.ts) checks this path byte for byte. The coordinator
 * names the signer of a bad share and signs again without it.
 */
import {
  constantTimeEqual,
  nobleGroup,
  Secret,
  type Destroyable,
  type GroupPoint,
  type RandomSource,
} from '@conduits/crypto';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { lagrangeAt } from './lagrange.js';
import {
  BadSignatureShareError,
  NonceExhaustedError,
  NotEnoughPartiesError,
  ThresholdParameterError,
} from './errors.js';
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
  if (group === undefined || group.group !== 'ed25519')
    throw new ThresholdParameterError(
      'FROST here is FROST(Ed25519, SHA-512): an ed25519 key is needed',
    );
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
  return {
    period: key.period,
    threshold: key.threshold,
    servers: key.servers,
    commitments: key.commitments,
  };
}

const g = nobleGroup('ed25519');
const F = g.scalars;
const utf8 = (x: string) => new TextEncoder().encode(x);
const ctx = utf8('FROST-ED25519-SHA512-v1');
const [rhoTag, msgTag, comTag] = [utf8('rho'), utf8('msg'), utf8('com')];
/** SHA-512, read little-endian, reduced mod L (RFC 9591 §6.1's H1 and H2). */
const hashToL = (...parts: Uint8Array[]): bigint =>
  F.reduce(bytesToNumberLE(sha512(concatBytes(...parts))));

/** What every party computes from a signing package: ρ_i, λ_i, R and the challenge c. */
interface Prepared {
  readonly R: GroupPoint;
  readonly c: bigint;
  readonly rho: ReadonlyMap<number, bigint>;
  readonly lambda: ReadonlyMap<number, bigint>;
  readonly D: ReadonlyMap<number, GroupPoint>;
  readonly E: ReadonlyMap<number, GroupPoint>;
}

/**
 * The last few packages prepared, by a hash of everything `prepare` reads (key, message,
 * commitment list): the signer and the aggregator of one server compute the same R, ρ_i and c
 * for the same package (t+1 variable-base multiplications each time). Keyed by content, not by
 * object, so a package changed after its first use is prepared afresh. All of it is public.
 */
const prepared = new Map<string, Prepared>();
const preparedLimit = 16;

/** RFC 9591 §4.4–4.6 for `pkg` under key `pk`; null when a commitment is not a valid point or a signer repeats. */
function prepare(pk: GroupPoint, pkg: SigningPackage): Prepared | null {
  const key = Buffer.from(
    sha512(
      concatBytes(
        pk.toBytes(),
        sha512(pkg.message),
        ...pkg.commitments.flatMap((c) => [F.toBytes(BigInt(c.signer)), c.hiding, c.binding]),
      ),
    ),
  ).toString('base64');
  const hit = prepared.get(key);
  if (hit !== undefined) return hit;
  const p = prepareUncached(pk, pkg);
  if (p !== null) {
    if (prepared.size >= preparedLimit) prepared.delete(prepared.keys().next().value as string);
    prepared.set(key, p);
  }
  return p;
}

function prepareUncached(pk: GroupPoint, pkg: SigningPackage): Prepared | null {
  const list = [...pkg.commitments].sort((a, b) => a.signer - b.signer);
  const ids = list.map((c) => c.signer);
  if (new Set(ids).size !== ids.length) return null;
  const D = new Map<number, GroupPoint>();
  const E = new Map<number, GroupPoint>();
  for (const c of list) {
    const d = g.tryPoint(c.hiding);
    const e = g.tryPoint(c.binding);
    if (d === null || e === null) return null;
    D.set(c.signer, d);
    E.set(c.signer, e);
  }
  const encoded = concatBytes(
    ...list.flatMap((c) => [F.toBytes(BigInt(c.signer)), c.hiding, c.binding]),
  );
  const prefix = concatBytes(
    pk.toBytes(),
    sha512(concatBytes(ctx, msgTag, pkg.message)),
    sha512(concatBytes(ctx, comTag, encoded)),
  );
  const rho = new Map<number, bigint>();
  const lambda = new Map<number, bigint>();
  let R = g.identity;
  for (const i of ids) {
    const r = hashToL(ctx, rhoTag, prefix, F.toBytes(BigInt(i)));
    rho.set(i, r);
    lambda.set(i, lagrangeAt(F, ids, i));
    R = R.add(D.get(i) as GroupPoint).add((E.get(i) as GroupPoint).multiply(r));
  }
  const c = hashToL(R.toBytes(), pk.toBytes(), pkg.message);
  return { R, c, rho, lambda, D, E };
}

/** One server's signing side: its share, its unused nonces. */
export class FrostSigner implements Destroyable {
  readonly #key: KeyShare;
  readonly #random: RandomSource | undefined;
  readonly #nonces = new Map<
    number,
    { hiding: Secret; binding: Secret; commitment: NonceCommitment }
  >();
  #next = 0;

  constructor(key: KeyShare, random?: RandomSource) {
    this.#key = key;
    this.#random = random;
  }

  get index(): number {
    return this.#key.index;
  }

  /** Nonces left. */
  get unused(): number {
    return this.#nonces.size;
  }

  #secret() {
    return {
      identifier: frostIdentifier(this.#key.index),
      signingShare: this.#key.secret.use((b) => Uint8Array.from(b)),
    };
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
        const c: NonceCommitment = {
          signer: this.#key.index,
          period: this.#key.period,
          nonce: this.#next++,
          hiding: commitments.hiding,
          binding: commitments.binding,
        };
        this.#nonces.set(c.nonce, {
          hiding: new Secret('frost-nonce', nonces.hiding),
          binding: new Secret('frost-nonce', nonces.binding),
          commitment: c,
        });
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
    if (pkg.period !== this.#key.period)
      throw new ThresholdParameterError(
        `signing package of period ${pkg.period}, share of period ${this.#key.period}`,
      );
    const mine = pkg.commitments.find((c) => c.signer === me);
    if (mine === undefined) throw new ThresholdParameterError(`signer ${me} is not in the package`);
    const entry = this.#nonces.get(mine.nonce);
    if (entry === undefined) throw new NonceExhaustedError(me);
    this.#nonces.delete(mine.nonce);
    try {
      // The package must name the commitment this nonce made (never sign with another's).
      if (
        !constantTimeEqual(mine.hiding, entry.commitment.hiding) ||
        !constantTimeEqual(mine.binding, entry.commitment.binding)
      )
        throw new ThresholdParameterError(
          `signer ${me}: the package's commitment is not this signer's`,
        );
      const p = prepare(this.#key.publicKey, pkg);
      if (p === null)
        throw new ThresholdParameterError('signing package has an invalid or repeated commitment');
      // z_i = d_i + e_i·ρ_i + λ_i·s_i·c (RFC 9591 §5.2), on secret scalars.
      const d = entry.hiding.use((b) => g.secretScalar(b));
      const e = entry.binding.use((b) => g.secretScalar(b));
      const eRho = e.times(p.rho.get(me) as bigint);
      const sLc = this.#key.secret.times(F.mul(p.lambda.get(me) as bigint, p.c));
      const partial = d.plus(eRho);
      const z = partial.plus(sLc);
      const share = z.use((b) => Uint8Array.from(b));
      for (const x of [d, e, eRho, sLc, partial, z]) x.destroy();
      return { signer: me, share };
    } finally {
      entry.hiding.destroy();
      entry.binding.destroy();
    }
  }

  /** Destroy the nonces of these commitments unused (a signing run that ended without them). */
  forget(commitments: readonly NonceCommitment[]): void {
    for (const c of commitments) {
      if (c.signer !== this.#key.index) continue;
      const e = this.#nonces.get(c.nonce);
      if (e === undefined) continue;
      e.hiding.destroy();
      e.binding.destroy();
      this.#nonces.delete(c.nonce);
    }
  }

  /** The period of the share this signer signs with. */
  get period(): number {
    return this.#key.period;
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
  readonly #pk: GroupPoint;
  readonly #verifying = new Map<number, GroupPoint>();
  readonly #pool = new Map<number, NonceCommitment[]>();
  readonly data: FrostPublicData;

  constructor(data: FrostPublicData) {
    this.data = data;
    this.#pub = publicPackage(data);
    this.#pk = data.commitments[0] as GroupPoint;
    for (const i of data.servers)
      this.#verifying.set(i, g.evaluateCommitment(data.commitments, BigInt(i)));
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
    const commitments = chosen.map(
      (s) => (this.#pool.get(s) as NonceCommitment[]).shift() as NonceCommitment,
    );
    return { period: this.data.period, message, commitments };
  }

  /** Check one share (RFC 9591 §5.4): G·z_i = D_i + E_i·ρ_i + Y_i·(c·λ_i). */
  verifyShare(pkg: SigningPackage, share: SignatureShare): boolean {
    const p = prepare(this.#pk, pkg);
    return p !== null && this.#verifyShare(p, share);
  }

  #verifyShare(p: Prepared, share: SignatureShare): boolean {
    const i = share.signer;
    const D = p.D.get(i);
    const Y = this.#verifying.get(i);
    if (D === undefined || Y === undefined) return false;
    let z: bigint;
    try {
      z = F.fromBytes(share.share);
    } catch {
      return false;
    }
    const expected = D.add((p.E.get(i) as GroupPoint).multiply(p.rho.get(i) as bigint)).add(
      Y.multiply(F.mul(p.c, p.lambda.get(i) as bigint)),
    );
    return g.base(z).equals(expected);
  }

  /** Aggregate (RFC 9591 §5.3): the Ed25519 signature R ‖ Σ z_i, or BadSignatureShareError naming the signers whose shares fail. */
  aggregate(pkg: SigningPackage, shares: readonly SignatureShare[]): Uint8Array {
    const missing = pkg.commitments
      .filter((c) => !shares.some((s) => s.signer === c.signer))
      .map((c) => c.signer);
    if (missing.length > 0 || shares.length !== pkg.commitments.length)
      throw new NotEnoughPartiesError('frost-aggregate', shares.length, pkg.commitments.length);
    const p = prepare(this.#pk, pkg);
    if (p === null)
      throw new ThresholdParameterError('signing package has an invalid or repeated commitment');
    let z = 0n;
    let decodable = true;
    for (const s of shares) {
      try {
        z = F.add(z, F.fromBytes(s.share));
      } catch {
        decodable = false;
      }
    }
    // The whole signature first (one check); only if it fails, each share (to name the signer).
    if (decodable && g.base(z).equals(p.R.add(this.#pk.multiply(p.c))))
      return concatBytes(p.R.toBytes(), F.toBytes(z));
    throw new BadSignatureShareError(
      shares.filter((s) => !this.#verifyShare(p, s)).map((s) => s.signer),
    );
  }

  /**
   * Sign `message` with whichever signers answer honestly: `ask(pkg)` collects the shares (a
   * signer that withholds is simply absent from what it returns); a signer that withholds or
   * sends a bad share is left out and a new package made with the others, while t+1 remain.
   * Returns the signature and the signers excluded (with why).
   */
  sign(
    message: Uint8Array,
    ask: (pkg: SigningPackage) => SignatureShare[],
  ): { signature: Uint8Array; excluded: Map<number, 'withheld' | 'bad-share'> } {
    const excluded = new Map<number, 'withheld' | 'bad-share'>();
    for (;;) {
      const pkg = this.package(
        message,
        this.data.servers.filter((s) => !excluded.has(s)),
      );
      const shares = ask(pkg);
      for (const c of pkg.commitments)
        if (!shares.some((s) => s.signer === c.signer)) excluded.set(c.signer, 'withheld');
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
export function verifyFrostSignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return frost.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
