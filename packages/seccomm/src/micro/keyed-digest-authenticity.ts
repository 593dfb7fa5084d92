/**
 * Keyed digest authenticity (§3.3.4, the role of DESDigestAuthenticity): the digest an
 * integrity micro-protocol just appended is encrypted under a shared key, so only a holder of
 * that key could have made it. The encryption is AES-256-GCM (the digest sealed with a fresh
 * nonce): unlike DES-CBC of a digest, nobody can adjust the encrypted digest to fit a changed
 * message. The receiver opens it back in place — the integrity micro-protocol below then
 * checks it against the message — and sets AUTH_SENDER to the peer (the only other holder).
 * Each direction has its own key and the frame header is associated data, so a reflected or
 * re-framed message does not open; nonces count (NonceSequence), with the privacy
 * micro-protocols' `nonceLimit`.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { AeadKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, Keys, Participants, settings } from '../runtime/context.js';
import { replaceKey } from '../runtime/events.js';
import { NonceSequence } from '../runtime/nonce-sequence.js';
import { DEFAULT_NONCE_LIMIT, type PrivacyOptions } from './privacy.js';
import { DirectionalKeys } from '../runtime/directional-keys.js';
import { FrameHeader, HEADER_LENGTH } from '../runtime/frame-header.js';
import { AUTH_SENDER } from './authenticity.js';
import { bindTransform } from './bind-transform.js';

const NONCE = 12;
const TAG = 16;

export function keyedDigestAuthenticity(
  m: ResolvedMicroProtocol,
  digestLength: number,
  options: PrivacyOptions = {},
): MicroProtocol {
  const name = label(m);
  let keys: DirectionalKeys<AeadKey> | null = null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const table = new DirectionalKeys(c, m, 32, (k) => s.engine.aead('aes-256-gcm', k));
      keys = table;
      const header = new FrameHeader(c);
      const base = c.shared.get(Keys);
      const index = m.key ?? 1;
      const nonces = new NonceSequence(
        s.engine.randomBytes(4),
        Number(m.params['nonceLimit'] ?? DEFAULT_NONCE_LIMIT),
        options.rekeyable
          ? () =>
              c.graph.scheduler.defer(
                () => void (base.has(index) && c.runtime.raise(replaceKey(index), null)),
              )
          : null,
      );
      /** The associated data: the frame header, then the message before the sealed digest. */
      let aad = new Uint8Array(256);
      const associated = (msg: Message, outbound: boolean, message: Uint8Array): Uint8Array => {
        const n = HEADER_LENGTH + message.length;
        if (aad.length < n) aad = new Uint8Array(Math.max(n, aad.length * 2));
        aad.set(header.of(msg, outbound));
        aad.set(message, HEADER_LENGTH);
        return aad.subarray(0, n);
      };
      const send = (msg: Message): string | null => {
        const epoch = epochOf(c, msg);
        const k = table.send.get(epoch);
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        if (b.length < digestLength) return 'authenticity-no-digest';
        const digest = b.bytes.slice(b.end - digestLength, b.end);
        b.trim(digestLength);
        const nonce = nonces.next(base.get(index, epoch));
        if (nonce === null) return 'nonce-limit';
        b.appendBytes(nonce);
        b.appendBytes(
          k.seal(nonce, digest, associated(msg, true, b.bytes.subarray(b.start, b.end - NONCE))),
        );
        return null;
      };
      const receive = (msg: Message): string | null => {
        const k = table.receive.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        const sealedLength = NONCE + digestLength + TAG;
        if (b.length < sealedLength) return 'authenticity-truncated';
        const at = b.end - sealedLength;
        // The sealed digest is bound to the message before it (as associated data), so it cannot be moved to another.
        const digest = k.open(
          b.bytes.subarray(at, at + NONCE),
          b.bytes.subarray(at + NONCE, b.end),
          associated(msg, false, b.bytes.subarray(b.start, at)),
        );
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
