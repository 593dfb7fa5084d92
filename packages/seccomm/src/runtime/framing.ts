/**
 * The frame every SecComm message travels in, outside all security micro-protocols:
 *
 *   DATA: [0][epoch & 0xff] protected-data
 *   KEY:  [1][epoch & 0xff][i] protected-key-message   (key distribution i)
 *
 * The epoch says which keys protect the message (see KeyTable); the kind tells the receiver
 * whether to raise msgFromBelow's remaining handlers or keyMsgReceive_i. This micro-protocol
 * also holds the push gate: a message pushed while push is disabled waits.
 */
import {
  defaultPool,
  msgFromAbove,
  msgFromBelow,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import { Keys, KeyEpoch, reject } from './context.js';
import { FrameKind, KEY_FRAME } from './frame-header.js';
import { keyMsgReceive, keyMsgSend, openSession } from './events.js';
import { Push } from './push-gate.js';

const DATA = 0;
const KEY = 1;
/** Outside every configurable order: first on the way out and first on the way in. */
export const EDGE = 1_000_000;

export function framing(): MicroProtocol {
  const name = 'seccomm-framing';
  return {
    name,
    start(c: CompositeProtocol) {
      const keys = c.shared.get(Keys);
      const gate = c.shared.get(Push);
      c.runtime.bind(
        msgFromAbove,
        (msg: Message, _s: null, rt) => {
          if (gate.enabled) {
            msg.set(KeyEpoch, keys.epoch);
            msg.set(FrameKind, 0);
            return;
          }
          rt.stop();
          if (!gate.hold(msg)) c.drop(msg, 'push-queue-full');
        },
        -EDGE,
        null,
        'push-gate',
      );
      c.runtime.bind(
        msgFromAbove,
        (msg: Message) => {
          msg.buffer.prependByte((msg.get(KeyEpoch) ?? keys.epoch) & 0xff);
          msg.buffer.prependByte(DATA);
        },
        EDGE,
        null,
        name,
      );
      c.runtime.bind(
        msgFromBelow,
        (msg: Message, _s: null, rt) => {
          const b = msg.buffer;
          const refuse = (reason: string): void => {
            reject(c, name, msg, reason);
            rt.stop();
          };
          if (b.length < 2) return refuse('frame-truncated');
          const kind = b.bytes[b.start] as number;
          const epoch = keys.resolve(b.bytes[b.start + 1] as number);
          if (kind !== DATA && kind !== KEY) return refuse('frame-kind-unknown');
          if (epoch === null) return refuse('key-epoch-unknown');
          msg.set(KeyEpoch, epoch);
          msg.set(
            FrameKind,
            kind === DATA ? 0 : KEY_FRAME | ((b.bytes[b.start + 2] ?? 0) as number),
          );
          if (kind === DATA) {
            b.pull(2);
            return;
          }
          rt.stop();
          if (b.length < 3) return refuse('frame-truncated');
          const index = b.bytes[b.start + 2] as number;
          b.pull(3);
          // A distribution consumes the message and stops the event; security micro-protocols
          // stop it when they refuse. Nobody stopping it means nobody distributes key `index`.
          if (c.runtime.raise(keyMsgReceive(index), msg)) refuse('key-msg-unexpected');
        },
        EDGE,
        null,
        name,
      );
      // §3.3.6: once every micro-protocol is initialised, openSession starts key distribution.
      c.runtime.raise(openSession, null, 'ASYNC');
    },
    stop(c: CompositeProtocol) {
      c.shared.get(Push).clear();
    },
  };
}

/**
 * Send a key-distribution message for key `index`: keyMsgSend_i lets the security
 * micro-protocols configured in KEYS mode protect it, then it goes out framed as KEY.
 */
export function sendKeyMessage(c: CompositeProtocol, index: number, body: Uint8Array): void {
  const keys = c.shared.get(Keys);
  const msg = defaultPool.from(body);
  msg.set(KeyEpoch, keys.epoch);
  msg.set(FrameKind, KEY_FRAME | (index & 0xff));
  if (!c.runtime.raise(keyMsgSend(index), msg)) return;
  msg.buffer.prependByte(index);
  msg.buffer.prependByte(keys.epoch & 0xff);
  msg.buffer.prependByte(KEY);
  c.sendDown(msg);
}
