/**
 * What a server runs in one protocol run, seen from whatever carries its messages (the local
 * runner of the tests, or a task on the core's TaskHost): it says what to send at the start
 * and at the end of each round, takes messages, and says when a round has everything it can
 * get. Rounds end when `roundComplete()` or when the carrier's timer says so; `advance()`
 * ends the current round and returns the next round's messages.
 */
import type { Destroyable } from '@conduits/crypto';

/** A message to send: `to` undefined means a broadcast to every server of the run. */
export interface Outgoing<M> {
  readonly to?: number;
  readonly msg: M;
}

export interface RoundProtocol<M, R> extends Destroyable {
  readonly self: number;
  /** The round in progress (1-based); past the last when finished. */
  readonly round: number;
  readonly finished: boolean;
  /** Round 1's messages. */
  start(): Outgoing<M>[];
  /** Take a message; the reason it was refused, or null. */
  receive(msg: M): string | null;
  /** Everything this round can bring has come. */
  roundComplete(): boolean;
  /** End the current round: the next round's messages (none when finished). */
  advance(): Outgoing<M>[];
  /** The outcome, once finished (throws a typed error if the run could not succeed). */
  result(): R;
}
