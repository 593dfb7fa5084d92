/**
 * A protocol run as a task on the core's TaskHost: `build` sends this server's messages for
 * the round (the first call: round 1; each later call ends the round and sends the next),
 * `process` takes one peer's frame of the current round and answers `needMore` once the
 * round has everything, `waiting` before; a frame of a later round is `later` (held by the
 * host and offered again after this server's next round), one of an earlier round refused.
 * A round whose messages do not all come (a crashed or withholding server) is ended by the
 * node's round deadline, delivered as a local frame. The step of a frame is round·256 + sender,
 * so the host answers a peer's retransmission from the reply it stored, never showing it twice.
 */
import {
  done,
  needMore,
  refused,
  waiting,
  later,
  failed,
  TaskRejectedError,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import type { RoundProtocol } from '../round-protocol.js';
import type { RoundMessage } from './codec.js';
import type { Envelope } from './broadcast-channel.js';

export class RoundTask<R> implements Task<Envelope, Envelope> {
  readonly kind: string;
  /** Messages the protocol refused, by reason (a replay of an earlier period shows here). */
  readonly refusals = new Map<string, number>();
  #started = false;

  constructor(
    readonly protocol: RoundProtocol<RoundMessage, R>,
    kind: string,
    /** Told the round just started (the node arms its deadline). */
    private readonly onRound: (round: number) => void,
  ) {
    this.kind = kind;
  }

  build(out: Envelope): BuildResult {
    const p = this.protocol;
    out.messages = this.#started ? p.advance() : p.start();
    this.#started = true;
    out.round = p.round;
    if (p.finished) {
      try {
        p.result();
      } catch (e) {
        return failed(new TaskRejectedError(this.kind, (e as Error).name));
      }
      return done;
    }
    this.onRound(p.round);
    return needMore;
  }

  process(env: Envelope): ProcessResult {
    const p = this.protocol;
    if (env.round > p.round) return later;
    if (env.round < p.round) return refused('past-round');
    if (env.deadline === true) return needMore;
    for (const o of env.messages) {
      const why = p.receive(o.msg);
      if (why !== null) this.refusals.set(why, (this.refusals.get(why) ?? 0) + 1);
    }
    return p.roundComplete() ? needMore : waiting;
  }

  destroy(): void {
    if (!this.protocol.finished) this.protocol.destroy();
  }
}
