/**
 * Key-distribution messages (§3.3.6) and the wire their tasks run on. Every body is
 * [type][target epoch u32][payload]; the target epoch is the exchange id (the Keys table epoch
 * the new key makes) and the type is the step, so the TaskHost answers a duplicate from the
 * reply it stored and tells an old exchange from the current one.
 */
import type { CompositeProtocol, TaskWire } from '@conduits/core';
import { sendKeyMessage } from '../../runtime/framing.js';
import { Writer } from '../../runtime/wire.js';

/** Key message types (the first byte of a key-distribution message's body). */
export const KeyMsg = {
  REQUEST: 1,
  KEY: 2,
  ACK: 3,
  OFFER: 4,
  ACCEPT: 5,
  CONFIRM: 6,
  TICKET: 7,
  REKEY: 8,
} as const;
export type KeyMsg = (typeof KeyMsg)[keyof typeof KeyMsg];

/** Bytes before the payload: type and target epoch. */
export const KEY_HEADER = 5;
const EMPTY = new Uint8Array(0);

/** [type][target u32][parts…]: the body of a key message, or the input of a confirmation MAC or transcript (type 0). */
export function keyBody(type: KeyMsg | 0, target: number, ...parts: Uint8Array[]): Uint8Array {
  const w = new Writer().u8(type).u32(target);
  for (const p of parts) w.raw(p);
  return w.done();
}

/**
 * One key message: received (decoded, its payload a copy the message owns) or being built.
 * Its bytes may hold a key in clear (KEY), so whoever lets it go wipes it.
 */
export class KeyMessage {
  type: KeyMsg | 0 = 0;
  payload: Uint8Array = EMPTY;
  #body: Uint8Array = EMPTY;

  constructor(readonly target: number) {}

  /** A received message: `payload` is its own copy. */
  static received(type: KeyMsg, target: number, payload: Uint8Array): KeyMessage {
    const m = new KeyMessage(target);
    m.type = type;
    m.payload = payload;
    return m;
  }

  /** Fill a message being built; the body is encoded once and resent as is. */
  set(type: KeyMsg, ...parts: Uint8Array[]): void {
    this.type = type;
    this.#body = keyBody(type, this.target, ...parts);
    this.payload = this.#body.subarray(KEY_HEADER);
  }

  get body(): Uint8Array {
    return this.#body;
  }

  wipe(): void {
    this.payload.fill(0);
    this.#body.fill(0);
  }
}

/** Sends key messages of distribution `index` through keyMsgSend_i and the frame. */
export class KeyWire implements TaskWire<KeyMessage, KeyMessage> {
  constructor(
    readonly c: CompositeProtocol,
    readonly index: number,
  ) {}
  exchangeOf(m: KeyMessage): number {
    return m.target;
  }
  stepOf(m: KeyMessage): number {
    return m.type;
  }
  create(exchange: number): KeyMessage {
    return new KeyMessage(exchange);
  }
  send(m: KeyMessage): void {
    sendKeyMessage(this.c, this.index, m.body);
  }
  release(m: KeyMessage): void {
    m.wipe();
  }
  discard(m: KeyMessage): void {
    m.wipe();
  }
}
