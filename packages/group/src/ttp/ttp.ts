/**
 * Antigone's trusted third party: it knows every long-term key, and gives a session leader
 * the pair key it needs for a member.
 *
 *   1. SL → TTP  SL, A, I_1
 *   2. TTP → SL  {π_SL,A, I_1}_K_SL                 (published: A's identity is missing)
 *      TTP → SL  {σ_SL,A, A, I_1}_K_SL              (Dutertre's fix: the reply names A)
 *
 * Replies are sealed (AES-256-GCM) under a key derived from K_SL.
 */
import type { CryptoEngine } from '@conduits/crypto';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { sigma } from '../auth/join-crypto.js';
import { encryptName, xor } from './antigone-keys.js';

const te = new TextEncoder();

export function ttpReplyKey(engine: CryptoEngine, kSL: Uint8Array): Uint8Array {
  return engine.hkdf('sha256', kSL, new Uint8Array(0), te.encode('antigone ttp reply'), 32);
}

export class TrustedThirdParty {
  readonly #keys = new Map<string, Uint8Array>();
  answered = 0;

  constructor(
    readonly engine: CryptoEngine,
    /** Reply with σ and A's identity (the fix) or with π alone (published). */
    readonly namesMember: boolean,
  ) {}

  register(name: string, longTerm: Uint8Array): void {
    this.#keys.set(name, Uint8Array.from(longTerm));
  }

  /** σ_SL,A as A computes it (for checking what a leader ended up with). */
  sigmaFor(member: string, leader: string): Uint8Array | null {
    const k = this.#keys.get(member);
    return k === undefined ? null : sigma(this.engine, k, leader);
  }

  /** Answer "SL, A, I_1"; null for an unknown name or malformed request. */
  answer(request: Uint8Array): Uint8Array | null {
    const r = new Reader(request);
    const leader = r.text();
    const member = r.text();
    const nonce = r.bytes();
    if (!r.complete) return null;
    const kSL = this.#keys.get(leader);
    const kA = this.#keys.get(member);
    if (kSL === undefined || kA === undefined) return null;
    const s = sigma(this.engine, kA, leader);
    const w = new Writer(128);
    if (this.namesMember) w.bytes(s).text(member).bytes(nonce);
    else w.bytes(xor(encryptName(this.engine, kSL, member), s)).bytes(nonce);
    const key = this.engine.aead('aes-256-gcm', ttpReplyKey(this.engine, kSL));
    const n = this.engine.randomBytes(12);
    const sealed = key.seal(n, w.finish());
    key.destroy();
    this.answered++;
    return new Writer(sealed.length + 20).raw(n).raw(sealed).finish();
  }
}
