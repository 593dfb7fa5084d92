/**
 * The Coder session of a server's node: an envelope (attribute, from the FSM) to the plain
 * frame the Cipher seals, and a plain frame the Cipher opened back to an envelope. It holds no
 * key. The plain bytes can hold a share: they are zeroed as soon as they are decoded.
 */
import type { Message, Session, State } from '@conduits/core';
import type { NodeCipherState } from './node-cipher.js';
import { decodePlainFrame, encodePlainFrame } from './frame-coder.js';
import { envelopeAttr, resendAttr } from './node-messages.js';

export function nodeCoderState(cipher: NodeCipherState): State {
  return {
    name: 'proactive-coder',
    accept(s: Session, msg: Message, from) {
      const b = msg.buffer;
      if (from === 'B') {
        if (msg.get(resendAttr) !== undefined) return s.send('A', msg);
        const env = msg.get(envelopeAttr);
        if (env === undefined) return s.drop(msg, 'proactive-no-envelope');
        const plain = encodePlainFrame(env);
        b.set(plain);
        plain.fill(0);
        return s.send('A', msg);
      }
      const plain = b.subarray();
      const env = decodePlainFrame(plain);
      plain.fill(0);
      if (typeof env === 'string') {
        cipher.countDrop(env);
        return s.drop(msg, `proactive-${env}`);
      }
      msg.set(envelopeAttr, env);
      s.send('B', msg);
    },
  };
}
