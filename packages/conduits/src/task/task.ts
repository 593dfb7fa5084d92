/**
 * An exchange as a task, in strongSwan charon's manner (`src/libcharon/sa/task.h`): a small
 * object that builds the messages it sends and processes the ones it receives, one step per
 * call, and says with its result what should happen next. A TaskHost carries it: sending,
 * retransmission, timeouts, duplicates, buffering. A task keeps its state in its own fields
 * (no closures), so it can be inspected, and is written as a sequence of steps:
 *
 *   initiator:  build(REQUEST) → needMore … process(RESPONSE) → done
 *   responder:  process(REQUEST) → needMore, build(RESPONSE) → done
 *
 * `In` is what arrives (decoded, owned by the host while it is held); `Out` is what `build`
 * fills (made by the wire, kept by the host for retransmissions and duplicate requests).
 */
import type { BuildResult, ProcessResult } from './task-result.js';

export interface Task<In, Out> {
  /** What it is, for errors and reports (e.g. `dh-key-distribution`). */
  readonly kind: string;
  /** Write the next message into `out`. */
  build(out: Out): BuildResult;
  /** Take one message of the exchange from the peer. */
  process(msg: In): ProcessResult;
  /** The exchange is over (done, failed, abandoned or the host closed): wipe what it holds. */
  destroy?(): void;
}
