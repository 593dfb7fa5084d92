/**
 * server-key-distribution (§3.3.6): the client asks, the server makes the key.
 *
 *   C → S  REQUEST        S → C  KEY(k)        C → S  ACK(confirm_C)
 *
 * The server retransmits KEY until the ACK comes; a repeated REQUEST gets the same KEY.
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import type { DistributionContext } from './distribution-context.js';
import { KeyMsg, type KeyMessage } from './key-message.js';

/** The client: REQUEST, take the KEY, confirm it. */
export class ServerKeyInitiator implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'server-key-distribution';
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  build(out: KeyMessage): BuildResult {
    if (this.#key === null) {
      out.set(KeyMsg.REQUEST);
      return needMore;
    }
    out.set(KeyMsg.ACK, this.ctx.confirm(this.#key, 'C', this.target));
    // Done means in force: our last message (if any) leaves under the new epoch.
    this.ctx.keys.commit();
    return done;
  }

  process(m: KeyMessage): ProcessResult {
    if (m.type !== KeyMsg.KEY || m.payload.length !== this.ctx.length)
      return refused('key-msg-unexpected');
    this.#key = Uint8Array.from(m.payload);
    this.ctx.keys.stage(this.ctx.index, this.#key);
    return needMore;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}

/** The server: make the key on REQUEST, send it until the client confirms it. */
export class ServerKeyResponder implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'server-key-distribution';
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  process(m: KeyMessage): ProcessResult {
    if (this.#key === null) {
      if (m.type !== KeyMsg.REQUEST || m.payload.length !== 0) return refused('key-msg-unexpected');
      this.#key = this.ctx.create();
      this.ctx.keys.stage(this.ctx.index, this.#key);
      return needMore;
    }
    if (m.type !== KeyMsg.ACK || m.payload.length !== 32) return refused('key-msg-unexpected');
    return this.ctx.commitIfConfirmed(m.payload, this.#key, 'C', this.target);
  }

  build(out: KeyMessage): BuildResult {
    out.set(KeyMsg.KEY, this.#key as Uint8Array);
    return needMore;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}
