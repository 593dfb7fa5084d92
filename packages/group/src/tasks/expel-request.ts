/**
 * A member asks the leader to expel another (Antigone's eject request, here under K_a and
 * bound to the exchange, so it cannot be forged or replayed); the leader's policy decides and
 * the answer says so.
 */
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

export class ExpelRequestInitiator implements Task<Inbound, OutMessage> {
  readonly kind = 'group-expel-request';
  /** The leader's answer, once given. */
  accepted: boolean | null = null;
  constructor(readonly target: number) {}
  build(out: OutMessage): BuildResult {
    out.set(Ctl.expelRequest, 1, new Writer(4).u32(this.target).finish(), true);
    return needMore;
  }
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.expelAck || m.msg.step !== 2 || !m.msg.sealed || m.plain.length !== 1)
      return refused('unexpected');
    this.accepted = m.plain[0] === 1;
    return done;
  }
}

export class ExpelRequestResponder implements Task<Inbound, OutMessage> {
  readonly kind = 'group-expel-request';
  target = -1;
  accepted = false;
  constructor(readonly decide: (target: number) => boolean) {}
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.expelRequest || m.msg.step !== 1 || !m.msg.sealed)
      return refused('bad-auth');
    const r = new Reader(m.plain);
    this.target = r.u32();
    if (!r.complete) return refused('malformed');
    this.accepted = this.decide(this.target);
    return needMore;
  }
  build(out: OutMessage): BuildResult {
    out.set(Ctl.expelAck, 2, new Uint8Array([this.accepted ? 1 : 0]), true);
    return done;
  }
}
