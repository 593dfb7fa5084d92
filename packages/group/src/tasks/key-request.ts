/**
 * Key retransmission: a member that missed a rekey (it learns so from a heartbeat, or cannot
 * unwrap one) asks for its path keys again. The repaired request is sealed under K_a; Antigone's
 * is "g, A" in clear, so anybody can make the leader answer in A's name.
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { Ctl, type OutMessage } from '../control/control-message.js';
import type { Inbound } from './inbound.js';

export class KeyRequestInitiator implements Task<Inbound, OutMessage> {
  readonly kind = 'group-key-request';
  constructor(
    readonly sealed: boolean,
    /** Take the reply's plaintext (epoch, path keys); false if malformed. */
    readonly take: (plain: Uint8Array) => boolean,
  ) {}
  build(out: OutMessage): BuildResult {
    out.set(Ctl.keyRequest, 1, new Uint8Array(0), this.sealed);
    return needMore;
  }
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.keyReply || m.msg.step !== 2 || !m.msg.sealed)
      return refused('unexpected');
    return this.take(m.plain) ? done : refused('malformed');
  }
}

export class KeyRequestResponder implements Task<Inbound, OutMessage> {
  readonly kind = 'group-key-request';
  constructor(
    readonly sealed: boolean,
    /** The member's current path keys and epoch, encoded. */
    readonly keys: () => Uint8Array,
  ) {}
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.keyRequest || m.msg.step !== 1) return refused('unexpected');
    if (this.sealed && !m.msg.sealed) return refused('bad-auth');
    return needMore;
  }
  build(out: OutMessage): BuildResult {
    out.set(Ctl.keyReply, 2, this.keys(), true);
    return done;
  }
}
