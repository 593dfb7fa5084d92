import {
  msgFromAbove,
  msgFromBelow,
  type CompositeProtocol,
  type EventType,
  type Message,
} from '@conduits/core';
import type { ResolvedMicroProtocol } from '../config/composition.js';
import { reject } from '../runtime/context.js';
import { keyMsgReceive, keyMsgSend } from '../runtime/events.js';

/** Does micro-protocol `m` act on a message in this direction (client→server is CS)? */
function applies(m: ResolvedMicroProtocol, role: 'client' | 'server', outbound: boolean): boolean {
  if (m.direction === 'BOTH') return true;
  const flow = (role === 'client') === outbound ? 'CS' : 'SC';
  return m.direction === flow;
}

/** The (outbound, inbound) event pairs a micro-protocol binds, by its mode (§3.3.1). */
export function eventsOf(m: ResolvedMicroProtocol): [EventType<Message>, EventType<Message>][] {
  const pairs: [EventType<Message>, EventType<Message>][] = [];
  if (m.mode !== 'KEYS') pairs.push([msgFromAbove, msgFromBelow]);
  if (m.mode !== 'DATA')
    for (const i of m.distributions) pairs.push([keyMsgSend(i), keyMsgReceive(i)]);
  return pairs;
}

/**
 * The shape every message-transforming micro-protocol shares: `send` on msgFromAbove and
 * `receive` on msgFromBelow (mode DATA), or on keyMsgSend_i / keyMsgReceive_i for the key
 * distributions it secures (mode KEYS), or both; at the micro-protocol's order (receivers run
 * in reverse), each only for the directions it applies to. `send` and `receive` return null
 * when the message passes, or why it is refused: then securityAlert is raised, the message
 * dropped, the event stopped.
 */
export function bindTransform(
  c: CompositeProtocol,
  m: ResolvedMicroProtocol,
  name: string,
  role: 'client' | 'server',
  send: (msg: Message) => string | null | void,
  receive: (msg: Message) => string | null,
): void {
  for (const [out, inn] of eventsOf(m)) {
    c.runtime.bind(
      out,
      (msg: Message, _x: null, rt) => {
        if (!applies(m, role, true)) return;
        const refused = send(msg);
        if (refused === null || refused === undefined) return;
        reject(c, name, msg, refused);
        rt.stop();
      },
      m.order,
      null,
      name,
    );
    c.runtime.bind(
      inn,
      (msg: Message, _x: null, rt) => {
        if (!applies(m, role, false)) return;
        const refused = receive(msg);
        if (refused === null) return;
        reject(c, name, msg, refused);
        rt.stop();
      },
      m.order,
      null,
      name,
    );
  }
}
