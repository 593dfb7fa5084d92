/**
 * dh-key-distribution (§3.3.6): an X25519 agreement, the key derived through keyCreate_j from
 * the shared secret and the transcript (both public values, the epoch, the index).
 *
 *   C → S  OFFER(X_C)        S → C  ACCEPT(X_S, confirm_S)        C → S  CONFIRM(confirm_C)
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import type { KeyAgreementKey } from '@conduits/crypto';
import type { DistributionContext } from './distribution-context.js';
import { KeyMsg, type KeyMessage } from './key-message.js';

/** The client: OFFER, check the server's confirmation, CONFIRM. */
export class DhInitiator implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'dh-key-distribution';
  #dh: KeyAgreementKey | null = null;
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  build(out: KeyMessage): BuildResult {
    if (this.#key === null) {
      this.#dh = this.ctx.settings.engine.keyAgreement('x25519');
      out.set(KeyMsg.OFFER, this.#dh.publicKey);
      return needMore;
    }
    out.set(KeyMsg.CONFIRM, this.ctx.confirm(this.#key, 'C', this.target));
    // Done means in force: our last message (if any) leaves under the new epoch.
    this.ctx.keys.commit();
    return done;
  }

  process(m: KeyMessage): ProcessResult {
    const dh = this.#dh;
    if (m.type !== KeyMsg.ACCEPT || dh === null || this.#key !== null || m.payload.length !== 64)
      return refused('key-msg-unexpected');
    const peer = m.payload.subarray(0, 32);
    const k = this.ctx.create({
      material: dh.deriveShared(peer),
      info: this.ctx.transcript(dh.publicKey, peer, this.target),
    });
    if (!this.ctx.confirms(m.payload.subarray(32), k, 'S', this.target)) {
      k.fill(0);
      return refused('key-confirm-failed');
    }
    this.#key = k;
    this.ctx.keys.stage(this.ctx.index, k);
    return needMore;
  }

  destroy(): void {
    this.#dh?.destroy();
    this.#dh = null;
    this.#key?.fill(0);
    this.#key = null;
  }
}

/** The server: answer an OFFER with ACCEPT (sent until CONFIRM comes), check the client's confirmation. */
export class DhResponder implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'dh-key-distribution';
  #key: Uint8Array | null = null;
  #accept: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  process(m: KeyMessage): ProcessResult {
    if (this.#key === null) {
      if (m.type !== KeyMsg.OFFER || m.payload.length !== 32) return refused('key-msg-unexpected');
      const mine = this.ctx.settings.engine.keyAgreement('x25519');
      try {
        const k = this.ctx.create({
          material: mine.deriveShared(m.payload),
          info: this.ctx.transcript(m.payload, mine.publicKey, this.target),
        });
        this.#key = k;
        this.ctx.keys.stage(this.ctx.index, k);
        this.#accept = mine.publicKey;
      } finally {
        mine.destroy();
      }
      return needMore;
    }
    if (m.type !== KeyMsg.CONFIRM || m.payload.length !== 32) return refused('key-msg-unexpected');
    return this.ctx.commitIfConfirmed(m.payload, this.#key, 'C', this.target);
  }

  build(out: KeyMessage): BuildResult {
    const k = this.#key as Uint8Array;
    out.set(KeyMsg.ACCEPT, this.#accept as Uint8Array, this.ctx.confirm(k, 'S', this.target));
    return needMore;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
    this.#accept = null;
  }
}
