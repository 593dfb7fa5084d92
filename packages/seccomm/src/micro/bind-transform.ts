import { msgFromAbove, msgFromBelow, type CompositeProtocol, type Message } from '@conduits/core';
import type { ResolvedMicroProtocol } from '../config/composition.js';
import { reject } from '../runtime/context.js';

/** Does micro-protocol `m` act on a message in this direction (client→server is CS)? */
export function applies(m: ResolvedMicroProtocol, role: 'client' | 'server', outbound: boolean): boolean {
  if (m.direction === 'BOTH') return true;
  const flow = (role === 'client') === outbound ? 'CS' : 'SC';
  return m.direction === flow;
}

/**
 * The shape every message-transforming micro-protocol shares: `send` on msgFromAbove and
 * `receive` on msgFromBelow, both at the micro-protocol's order (receivers run in reverse),
 * each only for the directions it applies to. `receive` returns null when the message passes,
 * or why it is refused: then securityAlert is raised, the message dropped, the event stopped.
 */
export function bindTransform(
  c: CompositeProtocol,
  m: ResolvedMicroProtocol,
  name: string,
  role: 'client' | 'server',
  send: (msg: Message) => void,
  receive: (msg: Message) => string | null,
): void {
  c.runtime.bind(
    msgFromAbove,
    (msg: Message) => {
      if (applies(m, role, true)) send(msg);
    },
    m.order,
    null,
    name,
  );
  c.runtime.bind(
    msgFromBelow,
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
