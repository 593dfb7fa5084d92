/**
 * The member's side of the join (HELLO → CHALLENGE → PROOF → WELCOME → JOINED), a task on
 * the member's TaskHost. See auth/join-crypto.ts for the exchange.
 */
import {
  done,
  failed,
  needMore,
  refused,
  TaskRejectedError,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import type { KeyAgreementKey } from '@conduits/crypto';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';
import { Ctl, type OutMessage } from '../control/control-message.js';
import type { Inbound } from './inbound.js';

/** What the join needs from the member. */
export interface JoinMemberSide {
  readonly name: string;
  readonly method: number;
  nonce(): Uint8Array;
  ephemeral(): KeyAgreementKey;
  /** Check the leader's proof over the transcript; on success derive K_a and set up the control keys. Returns the transcript or null. */
  challenge(
    group: Uint8Array,
    id: number,
    n1: Uint8Array,
    n2: Uint8Array,
    ea: KeyAgreementKey,
    el: Uint8Array,
    proof: Uint8Array,
  ): Uint8Array | null;
  /** Our proof over the transcript. */
  proof(t: Uint8Array): Uint8Array;
  /** Take the welcome's plaintext (keys, members); false if malformed. */
  welcome(plain: Uint8Array): boolean;
  /** The leader refused us; `authenticated` says whether the refusal came under K_a. */
  denied(authenticated: boolean): void;
}

export class JoinInitiator implements Task<Inbound, OutMessage> {
  readonly kind = 'group-join';
  #n1: Uint8Array | null = null;
  #eph: KeyAgreementKey | null = null;
  #t: Uint8Array | null = null;
  #welcomed = false;

  constructor(
    readonly side: JoinMemberSide,
    /** A clear denial is believed (Enclaves 2.0) or refused (repaired: denials come under K_a). */
    readonly believeClearDenial: boolean,
  ) {}

  build(out: OutMessage): BuildResult {
    if (this.#n1 === null) {
      this.#n1 = this.side.nonce();
      this.#eph = this.side.ephemeral();
      out.set(
        Ctl.hello,
        1,
        new Writer(96)
          .text(this.side.name)
          .u8(this.side.method)
          .bytes(this.#n1)
          .bytes(this.#eph.publicKey)
          .finish(),
        false,
      );
      return needMore;
    }
    if (!this.#welcomed) {
      out.set(
        Ctl.proof,
        3,
        new Writer(80).bytes(this.side.proof(this.#t as Uint8Array)).finish(),
        false,
      );
      return needMore;
    }
    out.set(Ctl.joined, 5, new Uint8Array(0), true);
    return done;
  }

  process(m: Inbound): ProcessResult {
    const { msg } = m;
    if (msg.type === Ctl.denied) {
      if (!msg.sealed && !this.believeClearDenial) return refused('bad-auth');
      this.side.denied(msg.sealed);
      return failed(new TaskRejectedError(this.kind, 'denied'));
    }
    if (this.#t === null) {
      if (msg.type !== Ctl.challenge || msg.step !== 2) return refused('unexpected');
      const r = new Reader(m.plain);
      const id = r.u32();
      const n2 = r.bytes();
      const el = r.bytes();
      const proof = r.bytes();
      if (!r.complete || n2.length !== 16 || el.length !== 32) return refused('malformed');
      const t = this.side.challenge(
        msg.group,
        id,
        this.#n1 as Uint8Array,
        n2,
        this.#eph as KeyAgreementKey,
        el,
        proof,
      );
      if (t === null) return refused('bad-auth');
      this.#t = t;
      return needMore;
    }
    if (msg.type !== Ctl.welcome || msg.step !== 4 || !msg.sealed) return refused('unexpected');
    if (!this.side.welcome(m.plain)) return refused('malformed');
    this.#welcomed = true;
    return needMore;
  }

  destroy(): void {
    this.#eph?.destroy();
    this.#eph = null;
  }
}
