/**
 * The session leader's side of Antigone's pair-key exchange with the TTP, as a task: build
 * the request, check the reply (nonce; and, repaired, that it names the member asked for),
 * derive σ_SL,A.
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { constantTimeEqual, type CryptoEngine } from '@conduits/crypto';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { encryptName, xor } from './antigone-keys.js';
import { ttpReplyKey } from './ttp.js';

export interface TtpMessage {
  exchange: number;
  step: number;
  body: Uint8Array;
}

export class PairKeyFetch implements Task<TtpMessage, TtpMessage> {
  readonly kind = 'antigone-pair-key';
  readonly #nonce: Uint8Array;
  #sigma: Uint8Array | null = null;

  constructor(
    readonly engine: CryptoEngine,
    readonly leader: string,
    readonly member: string,
    readonly kSL: Uint8Array,
    /** Expect the fixed reply (σ, A, I_1) and check A; else the published one (π, I_1). */
    readonly namesMember: boolean,
  ) {
    this.#nonce = engine.randomBytes(16);
  }

  /** σ_SL,A once the exchange is done. */
  get sigma(): Uint8Array | null {
    return this.#sigma;
  }

  build(out: TtpMessage): BuildResult {
    out.step = 1;
    out.body = new Writer(64).text(this.leader).text(this.member).bytes(this.#nonce).finish();
    return needMore;
  }

  process(m: TtpMessage): ProcessResult {
    if (m.step !== 2 || m.body.length < 12 + 16) return refused('unexpected');
    const key = this.engine.aead('aes-256-gcm', ttpReplyKey(this.engine, this.kSL));
    const plain = key.open(m.body.subarray(0, 12), m.body.subarray(12));
    key.destroy();
    if (plain === null) return refused('aead-failed');
    const r = new Reader(plain);
    const k = r.bytes();
    const named = this.namesMember ? r.text() : this.member;
    const nonce = r.bytes();
    if (!r.complete || k.length !== 32 || nonce.length !== 16) return refused('malformed');
    if (!constantTimeEqual(nonce, this.#nonce)) return refused('not-fresh');
    if (named !== this.member) return refused('identity-mismatch');
    this.#sigma = this.namesMember
      ? Uint8Array.from(k)
      : xor(k, encryptName(this.engine, this.kSL, this.member));
    return done;
  }

  destroy(): void {
    // σ is handed over through `sigma` before the host destroys the task; nothing else is secret here.
  }
}
