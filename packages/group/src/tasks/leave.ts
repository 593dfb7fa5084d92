/** Leave: the member asks, the leader acknowledges, then removes it (and rekeys, if policy says). */
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

export class LeaveInitiator implements Task<Inbound, OutMessage> {
  readonly kind = 'group-leave';
  constructor(readonly sealed: boolean) {}
  build(out: OutMessage): BuildResult {
    out.set(Ctl.leave, 1, new Uint8Array(0), this.sealed);
    return needMore;
  }
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.leaveAck || m.msg.step !== 2 || m.msg.sealed !== this.sealed)
      return refused('unexpected');
    return done;
  }
}

export class LeaveResponder implements Task<Inbound, OutMessage> {
  readonly kind = 'group-leave';
  constructor(readonly sealed: boolean) {}
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.leave || m.msg.step !== 1) return refused('unexpected');
    if (this.sealed && !m.msg.sealed) return refused('bad-auth');
    return needMore;
  }
  build(out: OutMessage): BuildResult {
    out.set(Ctl.leaveAck, 2, new Uint8Array(0), this.sealed);
    return done;
  }
}
