/**
 * SecComm's events (§3.2) beside the Cactus runtime's msgFromAbove / msgFromBelow.
 */
import { defineEvent, type EventType, type Message } from '@conduits/core';

export interface SecurityAlert {
  /** The micro-protocol that detected it. */
  readonly by: string;
  readonly reason: string;
  readonly time: number;
}

export const openSession = defineEvent<null>('openSession');
export const securityAlert = defineEvent<SecurityAlert>('securityAlert');
export const keyMiss = defineEvent<string>('keyMiss');

const indexed = new Map<string, EventType<unknown>>();
function byIndex<A>(
  prefix: string,
  i: number,
  order: 'ascending' | 'descending' = 'ascending',
): EventType<A> {
  const name = `${prefix}_${i}`;
  let e = indexed.get(name);
  if (e === undefined) indexed.set(name, (e = defineEvent<unknown>(name, order)));
  return e as EventType<A>;
}

/**
 * keyCreate_i(key, length): the i-th key creation micro-protocol makes a key of `length` bytes
 * into `key`, from the CSPRNG or derived from `material` (a Diffie-Hellman secret) with `info`.
 */
export interface KeyCreation {
  readonly length: number;
  readonly material?: Uint8Array;
  readonly info?: Uint8Array;
  key?: Uint8Array;
}
export const keyCreate = (i: number): EventType<KeyCreation> => byIndex('keyCreate', i);
/** keyMsgSend_i / keyMsgReceive_i: a key distribution message is leaving / has arrived. */
export const keyMsgSend = (i: number): EventType<Message> => byIndex('keyMsgSend', i);
export const keyMsgReceive = (i: number): EventType<Message> =>
  byIndex('keyMsgReceive', i, 'descending');
/** replaceKey_i: replace key i on the live connection (either end may raise it). */
export const replaceKey = (i: number): EventType<null> => byIndex('replaceKey', i);
/** A key distribution finished: key `index` is now in force from `epoch`. */
export const keyInstalled = defineEvent<{ readonly index: number; readonly epoch: number }>(
  'keyInstalled',
);
