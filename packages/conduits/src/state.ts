import type { Declaration } from './declaration.js';
import type { Message } from './message.js';
import type { Session } from './session.js';
import type { Side } from './side.js';

/**
 * Behaviour of a session in one protocol state (State pattern, §3.5). States are shared by
 * every session of a protocol, so they hold no per-session data: that lives in `session.data`.
 * Protocol-specific states add command methods that their Messengers call.
 */
export interface State<D = unknown> {
  readonly name: string;
  /** What this state does with attributes, and the role it plays (see Declaration). */
  readonly declares?: Declaration;
  /** A message whose Messenger has no command for this protocol arrived from `from`. */
  accept(session: Session<D>, msg: Message, from: Side): void;
  /** A timer set with `session.setTimer(delay, tag)` expired. */
  timeout?(session: Session<D>, tag: string): void;
  enter?(session: Session<D>): void;
  exit?(session: Session<D>): void;
}

/** Forwards every message to the opposite side: the identity layer. */
export const PassThrough: State = {
  name: 'pass-through',
  accept(session, msg, from) {
    session.forward(msg, from);
  },
};
