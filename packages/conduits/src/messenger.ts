import type { Message } from './message.js';
import type { Session } from './session.js';
import type { Side } from './side.js';
import type { State } from './state.js';

/**
 * The interpreter of a message's bytes (Command pattern, §3.5): a session asks the message's
 * messenger to apply itself to the session's current state. A messenger tagged with a
 * `protocol` is applied only at sessions of that protocol; elsewhere the state's generic
 * `accept` runs. Replacing `msg.messenger` gives the bytes a new meaning (after decoding or
 * decryption, for instance).
 */
export interface Messenger {
  readonly name: string;
  readonly protocol: string | undefined;
  apply(session: Session<unknown>, msg: Message, from: Side): void;
}

/** The default: hand the message to the state's `accept`. */
export const Deliver: Messenger = {
  name: 'deliver',
  protocol: undefined,
  apply(session, msg, from) {
    session.state.accept(session, msg, from);
  },
};

/**
 * A messenger that is only a tag: it says what the bytes are at this point (to be sealed,
 * sealed, opened, ...) to states that tell tags apart, and is applied as Deliver is, through
 * the state's `accept`. Where a tag is enough, declaring it with `defineTag` says so in one
 * place; where each state should act on its own, use `defineMessenger`, a command.
 */
export function defineTag(name: string): Messenger {
  return { name, protocol: undefined, apply: Deliver.apply };
}

/**
 * A messenger that calls one command of a protocol's state interface `St`. The cast is sound
 * because the session applies it only when its protocol tag matches.
 */
export function defineMessenger<D, St extends State<D>>(
  protocol: string,
  name: string,
  command: (state: St, session: Session<D>, msg: Message, from: Side) => void,
): Messenger {
  return {
    name,
    protocol,
    apply(session, msg, from) {
      command(session.state as unknown as St, session as unknown as Session<D>, msg, from);
    },
  };
}
