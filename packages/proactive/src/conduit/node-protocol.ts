/**
 * One server's node as a conduits Protocol of three stacked sessions (Java Conduits' FSM /
 * Coder / Cipher):
 *
 *   side B (terminal: the application drives the FSM through `ProactiveNode.run`)
 *     FSM      the run as a RoundTask on a TaskHost; round deadlines on its timer  (node-fsm.ts)
 *     Coder    envelope ↔ plain frame; no key                                      (node-coder.ts)
 *     Cipher   sign / verify, seal / open shares; the keys, #private, wiped       (node-cipher.ts)
 *   side A (the broadcast network)
 */
import { Protocol } from '@conduits/core';
import type { NodeCipherState } from './node-cipher.js';
import { nodeCoderState } from './node-coder.js';
import type { NodeFsmState } from './node-fsm.js';

export function nodeProtocol(index: number, fsm: NodeFsmState, cipher: NodeCipherState): Protocol {
  return new Protocol(`proactive-node-${index}`, (g) => {
    const f = g.session('fsm', { initial: fsm, terminal: 'B' });
    const coder = g.session('coder', { initial: nodeCoderState(cipher) });
    const c = g.session('cipher', { initial: cipher });
    g.stack(f, coder, c);
    fsm.bind(f);
    return { a: c.a };
  });
}
