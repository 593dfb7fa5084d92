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
function byIndex<A>(prefix: string, i: number): EventType<A> {
  const name = `${prefix}_${i}`;
  let e = indexed.get(name);
  if (e === undefined) indexed.set(name, (e = defineEvent<unknown>(name)));
  return e as EventType<A>;
}

/** keyCreate_i(length): the i-th key creation micro-protocol makes a key. */
export const keyCreate = (i: number): EventType<{ length: number; key?: Uint8Array }> => byIndex('keyCreate', i);
/** keyMsgSend_i / keyMsgReceive_i: a key distribution message is leaving / has arrived. */
export const keyMsgSend = (i: number): EventType<Message> => byIndex('keyMsgSend', i);
export const keyMsgReceive = (i: number): EventType<Message> => byIndex('keyMsgReceive', i);
export const replaceKey = (i: number): EventType<null> => byIndex('replaceKey', i);
