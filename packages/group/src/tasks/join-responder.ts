/** The leader's side of the join: check the member's proof, admit it (access-control hook), send the welcome. */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { Ctl, type OutMessage } from '../control/control-message.js';
import type { Inbound } from './inbound.js';

export interface JoinLeaderSide {
  /** HELLO: look the member up, run the exchange's first half. null: unknown name (refused). */
  hello(
    name: string,
    method: number,
    n1: Uint8Array,
    ea: Uint8Array,
  ): { id: number; n2: Uint8Array; el: Uint8Array; proof: Uint8Array } | null;
  /** Access control before authentication (Enclaves 2.0's pre-authentication) or after it (repaired). */
  admits(): boolean;
  readonly denyBeforeAuth: boolean;
  /** PROOF: verify the member's proof; true when authentic (the control keys are then set up). */
  proof(proof: Uint8Array): boolean;
  /** Add the member (tree, relay; rekey if policy says) and give the welcome's plaintext (and a clear trailer, published Antigone only). */
  admit(): { body: Uint8Array; trailer: Uint8Array | null };
}

export class JoinResponder implements Task<Inbound, OutMessage> {
  readonly kind = 'group-join';
  #step: 'hello' | 'challenge' | 'deny-clear' | 'deny-sealed' | 'welcome' | 'wait-joined' = 'hello';
  #reply: Uint8Array | null = null;
  #trailer: Uint8Array | null = null;

  constructor(readonly side: JoinLeaderSide) {}

  process(m: Inbound): ProcessResult {
    const { msg } = m;
    if (this.#step === 'hello') {
      if (msg.type !== Ctl.hello || msg.step !== 1) return refused('unexpected');
      const r = new Reader(m.plain);
      const name = r.text();
      const method = r.u8();
      const n1 = r.bytes();
      const ea = r.bytes();
      if (!r.complete || n1.length !== 16 || ea.length !== 32) return refused('malformed');
      if (this.side.denyBeforeAuth && !this.side.admits()) {
        this.#step = 'deny-clear';
        return needMore;
      }
      const c = this.side.hello(name, method, n1, ea);
      if (c === null) return refused('unknown-member');
      this.#reply = new Writer(160).u32(c.id).bytes(c.n2).bytes(c.el).bytes(c.proof).finish();
      this.#step = 'challenge';
      return needMore;
    }
    if (this.#step === 'challenge') {
      if (msg.type !== Ctl.proof || msg.step !== 3) return refused('unexpected');
      const r = new Reader(m.plain);
      const proof = r.bytes();
      if (!r.complete) return refused('malformed');
      if (!this.side.proof(proof)) return refused('bad-auth');
      if (!this.side.denyBeforeAuth && !this.side.admits()) {
        this.#step = 'deny-sealed';
        return needMore;
      }
      const w = this.side.admit();
      this.#reply = w.body;
      this.#trailer = w.trailer;
      this.#step = 'welcome';
      return needMore;
    }
    if (msg.type !== Ctl.joined || msg.step !== 5 || !msg.sealed) return refused('unexpected');
    return done;
  }

  build(out: OutMessage): BuildResult {
    switch (this.#step) {
      case 'deny-clear':
        out.set(Ctl.denied, 2, new Uint8Array(0), false);
        return done;
      case 'deny-sealed':
        out.set(Ctl.denied, 4, new Uint8Array(0), true);
        return done;
      case 'challenge':
        out.set(Ctl.challenge, 2, this.#reply as Uint8Array, false);
        return needMore;
      default:
        out.set(Ctl.welcome, 4, this.#reply as Uint8Array, true);
        out.trailer = this.#trailer;
        this.#step = 'wait-joined';
        return needMore;
    }
  }

  destroy(): void {
    this.#reply?.fill(0);
    this.#reply = null;
  }
}
