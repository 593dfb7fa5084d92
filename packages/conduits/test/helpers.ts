import { attribute, type Message, type Session, type State } from '@conduits/core';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Appends a marker byte going down (B→A) and strips it coming up: a visible layer. */
export function marker(byte: number): State {
  return {
    name: `marker-${byte}`,
    accept(session, msg, from) {
      if (from === 'B') {
        msg.buffer.prependByte(byte);
      } else {
        if (msg.buffer.bytes[msg.buffer.start] !== byte) return session.drop(msg, 'bad-marker');
        msg.buffer.pull(1);
      }
      session.forward(msg, from);
    },
  };
}

export const seen = attribute<string[]>('test.seen', 'stack');

/** Records its name into a stack attribute and forwards. */
export function recorder(name: string): State {
  return {
    name: `recorder-${name}`,
    accept(session: Session, msg: Message, from) {
      const list = msg.get(seen) ?? [];
      msg.set(seen, [...list, name]);
      session.forward(msg, from);
    },
  };
}
