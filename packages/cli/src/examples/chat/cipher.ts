import type { Message, Session, State } from '@conduits/core';
import type { AeadKey, CryptoEngine } from '@conduits/crypto';
import { CIPHER_HEADER, TAG } from './frame.js';

/** Per-conversation cipher state: the key lives here, in the cipher session (DESIGN: FSM over Coder over Cipher). */
export interface CipherData {
  conversation: number;
  aead: AeadKey | null;
  sendSeq: bigint;
  /** Highest sequence number accepted; anything at or below it is a replay (the link keeps order). */
  recvSeq: bigint;
}

export interface CipherConfig {
  readonly engine: CryptoEngine;
  /** Derives this conversation's key from the master secret (HKDF, info = conversation id). */
  readonly keyFor: (conversation: number) => Uint8Array;
}

const nonce = new Uint8Array(12);
const aad = new Uint8Array(CIPHER_HEADER);

/**
 * Seals what comes from above (side B), opens what comes from below (side A). A frame that
 * fails to open, or repeats a sequence number, is dropped with a security alert.
 */
export function cipherState(config: CipherConfig): State<CipherData> {
  const keyOf = (s: Session<CipherData>): AeadKey => {
    if (s.data.aead === null) {
      const k = config.keyFor(s.data.conversation);
      s.data.aead = config.engine.aead('chacha20-poly1305', k);
      k.fill(0);
    }
    return s.data.aead;
  };
  const setNonce = (seq: bigint): void => {
    new DataView(nonce.buffer).setBigUint64(4, seq);
  };
  return {
    name: 'cipher',
    accept(s, msg: Message, from) {
      const b = msg.buffer;
      if (from === 'B') {
        const seq = ++s.data.sendSeq;
        setNonce(seq);
        const sealed = keyOf(s).seal(nonce, b.subarray(), headerInto(s.data.conversation, seq));
        b.reset();
        b.appendBytes(aad);
        b.appendBytes(sealed);
        s.send('A', msg);
        return;
      }
      if (b.length < CIPHER_HEADER + TAG) return s.drop(msg, 'cipher-short-frame', true);
      const conversation = b.view.getUint16(b.start);
      const seq = b.view.getBigUint64(b.start + 2);
      if (s.data.aead === null) s.data.conversation = conversation;
      if (conversation !== s.data.conversation) return s.drop(msg, 'cipher-wrong-conversation', true);
      if (seq <= s.data.recvSeq) return s.drop(msg, 'cipher-replay', true);
      setNonce(seq);
      const header = b.bytes.subarray(b.start, b.start + CIPHER_HEADER);
      const opened = keyOf(s).open(nonce, b.bytes.subarray(b.start + CIPHER_HEADER, b.end), header);
      if (opened === null) return s.drop(msg, 'cipher-bad-tag', true);
      s.data.recvSeq = seq;
      b.set(opened);
      s.send('B', msg);
    },
    exit(s) {
      s.data.aead?.destroy();
    },
  };
}

function headerInto(conversation: number, seq: bigint): Uint8Array {
  const v = new DataView(aad.buffer);
  v.setUint16(0, conversation);
  v.setBigUint64(2, seq);
  return aad;
}

export const freshCipherData = (conversation: number) => (): CipherData => ({ conversation, aead: null, sendSeq: 0n, recvSeq: 0n });
