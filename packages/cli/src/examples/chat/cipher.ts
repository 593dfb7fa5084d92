import type { Message, Session, State } from '@conduits/core';
import type { AeadKey, CryptoEngine } from '@conduits/crypto';
import { CIPHER_HEADER, TAG } from './frame.js';

/** Per-conversation cipher state: the keys live here, in the cipher session (DESIGN: FSM over Coder over Cipher). */
export interface CipherData {
  conversation: number;
  /** Seals what this end sends. */
  aead: AeadKey | null;
  /** Opens what the other end sends: a key of its own, so the two directions never share a (key, nonce). */
  openAead: AeadKey | null;
  sendSeq: bigint;
  /** Highest sequence number accepted; anything at or below it is a replay (the link keeps order). */
  recvSeq: bigint;
}

export interface CipherConfig {
  readonly engine: CryptoEngine;
  /** Which end this is: the direction keys and the associated data depend on it. */
  readonly role: 'client' | 'server';
  /** Derives this conversation's key from the master secret (HKDF, info = conversation id). */
  readonly keyFor: (conversation: number) => Uint8Array;
}

const nonce = new Uint8Array(12);
/** Associated data: the direction byte, then the frame header (conversation, seq) as on the wire. */
const aad = new Uint8Array(1 + CIPHER_HEADER);
const CLIENT_TO_SERVER = 1;
const SERVER_TO_CLIENT = 2;
const label = (direction: number): Uint8Array =>
  new TextEncoder().encode(
    direction === CLIENT_TO_SERVER ? 'chat client to server' : 'chat server to client',
  );

/**
 * Seals what comes from above (side B), opens what comes from below (side A). A frame that
 * fails to open, or repeats a sequence number, is dropped with a security alert.
 *
 * Each direction has its own key (HKDF of the conversation key with a role label) and its
 * direction byte in the associated data: with one key both ways, both ends' first frames
 * used the same nonce (the XOR of the ciphertexts was the XOR of the plaintexts), and a
 * client's own frame sent back to it opened as if the server had sent it.
 */
export function cipherState(config: CipherConfig): State<CipherData> {
  const sending = config.role === 'client' ? CLIENT_TO_SERVER : SERVER_TO_CLIENT;
  const receiving = config.role === 'client' ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
  const keyOf = (s: Session<CipherData>): AeadKey => {
    if (s.data.aead === null) {
      const k = config.keyFor(s.data.conversation);
      const seal = config.engine.hkdf('sha256', k, new Uint8Array(0), label(sending), 32);
      const open = config.engine.hkdf('sha256', k, new Uint8Array(0), label(receiving), 32);
      s.data.aead = config.engine.aead('chacha20-poly1305', seal);
      s.data.openAead = config.engine.aead('chacha20-poly1305', open);
      k.fill(0);
      seal.fill(0);
      open.fill(0);
    }
    return s.data.aead;
  };
  const openKeyOf = (s: Session<CipherData>): AeadKey => {
    keyOf(s);
    return s.data.openAead as AeadKey;
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
        const sealed = keyOf(s).seal(
          nonce,
          b.subarray(),
          aadFor(sending, s.data.conversation, seq),
        );
        b.reset();
        b.appendBytes(aad.subarray(1));
        b.appendBytes(sealed);
        s.send('A', msg);
        return;
      }
      if (b.length < CIPHER_HEADER + TAG) return s.drop(msg, 'cipher-short-frame', true);
      const conversation = b.view.getUint16(b.start);
      const seq = b.view.getBigUint64(b.start + 2);
      if (s.data.aead === null) s.data.conversation = conversation;
      if (conversation !== s.data.conversation)
        return s.drop(msg, 'cipher-wrong-conversation', true);
      if (seq <= s.data.recvSeq) return s.drop(msg, 'cipher-replay', true);
      setNonce(seq);
      const opened = openKeyOf(s).open(
        nonce,
        b.bytes.subarray(b.start + CIPHER_HEADER, b.end),
        aadFor(receiving, conversation, seq),
      );
      if (opened === null) return s.drop(msg, 'cipher-bad-tag', true);
      s.data.recvSeq = seq;
      b.set(opened);
      s.send('B', msg);
    },
    exit(s) {
      s.data.aead?.destroy();
      s.data.openAead?.destroy();
    },
  };
}

function aadFor(direction: number, conversation: number, seq: bigint): Uint8Array {
  const v = new DataView(aad.buffer);
  v.setUint8(0, direction);
  v.setUint16(1, conversation);
  v.setBigUint64(3, seq);
  return aad;
}

export const freshCipherData = (conversation: number) => (): CipherData => ({
  conversation,
  aead: null,
  openAead: null,
  sendSeq: 0n,
  recvSeq: 0n,
});
