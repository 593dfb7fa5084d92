/**
 * An acknowledged rekey (Enclaves' new_key / new_key_ack, here signed, epoch-bound and
 * sealed): the leader sends the rekey to one member and sends it again until the member
 * acknowledges under K_a; the member's host answers a repeated rekey with its stored
 * acknowledgement, so a lost ack costs one retransmission, not a key request.
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { Ctl, type ControlMessage, type OutMessage } from '../control/control-message.js';
import type { Inbound } from './inbound.js';

export class RekeyPush implements Task<Inbound, OutMessage> {
  readonly kind = 'group-rekey';
  /** The signed rekey, the same bytes for every member. */
  constructor(readonly bytes: Uint8Array) {}
  build(out: OutMessage): BuildResult {
    out.set(Ctl.rekey, 1, new Uint8Array(0), false);
    out.bytes = this.bytes;
    return needMore;
  }
  process(m: Inbound): ProcessResult {
    return m.msg.type === Ctl.rekeyAck && m.msg.step === 2 && m.msg.sealed
      ? done
      : refused('unexpected');
  }
}

export class RekeyAccept implements Task<Inbound, OutMessage> {
  readonly kind = 'group-rekey';
  /** `apply` takes the rekey and says why not (null: applied). */
  constructor(readonly apply: (msg: ControlMessage) => string | null) {}
  process(m: Inbound): ProcessResult {
    if (m.msg.type !== Ctl.rekey || m.msg.step !== 1) return refused('unexpected');
    const why = this.apply(m.msg);
    return why === null ? needMore : refused(why);
  }
  build(out: OutMessage): BuildResult {
    out.set(Ctl.rekeyAck, 2, new Uint8Array(0), true);
    return done;
  }
}
