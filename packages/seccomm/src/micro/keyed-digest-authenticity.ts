/**
 * Keyed digest authenticity (§3.3.4, the role of DESDigestAuthenticity): the digest an
 * integrity micro-protocol just appended is encrypted under a shared key, so only a holder of
 * that key could have made it. The encryption is AES-256-GCM (the digest sealed with a fresh
 * nonce): unlike DES-CBC of a digest, nobody can adjust the encrypted digest to fit a changed
 * message. The receiver opens it back in place — the integrity micro-protocol below then
 * checks it against the message — and sets AUTH_SENDER to the peer (the only other holder).
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { AeadKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, Keys, Participants, settings } from '../runtime/context.js';
import { KeyObjects } from '../runtime/key-table.js';
import { AUTH_SENDER } from './authenticity.js';
import { bindTransform } from './bind-transform.js';

const NONCE = 12;
const TAG = 16;

export function keyedDigestAuthenticity(m: ResolvedMicroProtocol, digestLength: number): MicroProtocol {
  const name = label(m);
  let keys: KeyObjects<AeadKey> | null = null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const table = new KeyObjects(c.shared.get(Keys), m.key ?? 1, (k) => s.engine.aead('aes-256-gcm', k));
      keys = table;
      const send = (msg: Message): string | null => {
        const k = table.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        if (b.length < digestLength) return 'authenticity-no-digest';
        const digest = b.bytes.slice(b.end - digestLength, b.end);
        b.trim(digestLength);
        const nonce = s.engine.randomBytes(NONCE);
        b.appendBytes(nonce);
        b.appendBytes(k.seal(nonce, digest, b.bytes.subarray(b.start, b.end - NONCE)));
        return null;
      };
      const receive = (msg: Message): string | null => {
        const k = table.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        const sealedLength = NONCE + digestLength + TAG;
        if (b.length < sealedLength) return 'authenticity-truncated';
        const at = b.end - sealedLength;
        // The sealed digest is bound to the message before it (as associated data), so it cannot be moved to another.
        const digest = k.open(b.bytes.subarray(at, at + NONCE), b.bytes.subarray(at + NONCE, b.end), b.bytes.subarray(b.start, at));
        if (digest === null) return 'authenticity-failed';
        b.trim(sealedLength);
        b.appendBytes(digest);
        msg.set(AUTH_SENDER, c.shared.get(Participants).peer);
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
    },
    stop() {
      keys?.destroy();
    },
  };
}
