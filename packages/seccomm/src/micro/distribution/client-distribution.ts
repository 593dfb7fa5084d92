/**
 * client-key-distribution (§3.3.6): the client makes the key and sends it.
 *
 *   C → S  KEY(k)          S → C  ACK(confirm_S)
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

/** The client: KEY, then wait for the server's confirmation. */
export class ClientKeyInitiator implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'client-key-distribution';
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  build(out: KeyMessage): BuildResult {
    const k = this.ctx.create();
    this.#key = k;
    this.ctx.keys.stage(this.ctx.index, k);
    out.set(KeyMsg.KEY, k);
    return needMore;
  }

  process(m: KeyMessage): ProcessResult {
    if (m.type !== KeyMsg.ACK || this.#key === null || m.payload.length !== 32)
      return refused('key-msg-unexpected');
    return this.ctx.commitIfConfirmed(m.payload, this.#key, 'S', this.target);
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}

/** The server: take the key, hold it for the next epoch, confirm it. */
export class ClientKeyResponder implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'client-key-distribution';
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  process(m: KeyMessage): ProcessResult {
    if (m.type !== KeyMsg.KEY || m.payload.length !== this.ctx.length)
      return refused('key-msg-unexpected');
    this.#key = Uint8Array.from(m.payload);
    this.ctx.keys.stage(this.ctx.index, this.#key);
    return needMore;
  }

  build(out: KeyMessage): BuildResult {
    out.set(KeyMsg.ACK, this.ctx.confirm(this.#key as Uint8Array, 'S', this.target));
    // Done means in force: our last message (if any) leaves under the new epoch.
    this.ctx.keys.commit();
    return done;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}
