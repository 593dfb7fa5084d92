import { Protocol, type MessagePool } from '@conduits/core';
import type { CryptoEngine } from '@conduits/crypto';
import { cipherState, freshCipherData } from './cipher.js';
import { coderState } from './coder.js';
import { Idle, Listening, type FsmData } from './fsm.js';

export interface ChatOptions {
  readonly role: 'client' | 'server';
  /** The client's conversation id; a server learns it from the first frame. */
  readonly conversation?: number;
  readonly engine: CryptoEngine;
  readonly keyFor: (conversation: number) => Uint8Array;
  readonly pool: MessagePool;
  readonly log: (line: string) => void;
}

/**
 * One chat conversation as a Protocol of three stacked sessions (Java Conduits Figure 6):
 * FSM over Coder over Cipher. Side A is the cipher's (the network), side B the FSM's (the
 * application; a server's conversations have none).
 */
export function chatProtocol(o: ChatOptions): Protocol {
  const name = o.role === 'client' ? `chat-${o.conversation}` : 'chat-conversation';
  return new Protocol(name, (g) => {
    const fsm = g.session<FsmData>('fsm', {
      initial: o.role === 'client' ? Idle : Listening,
      protocol: 'chat',
      data: () => ({ role: o.role, pending: [], retries: 0, log: o.log, pool: o.pool }),
      ...(o.role === 'server' ? { terminal: 'B' as const } : {}),
    });
    const coder = g.session('coder', { initial: coderState });
    const cipher = g.session('cipher', {
      initial: cipherState({ engine: o.engine, role: o.role, keyFor: o.keyFor }),
      data: freshCipherData(o.conversation ?? 0),
    });
    g.stack(fsm, coder, cipher);
    return o.role === 'client' ? { a: cipher.a, b: fsm.b } : { a: cipher.a };
  });
}
