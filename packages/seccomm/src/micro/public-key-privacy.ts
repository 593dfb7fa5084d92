/**
 * Public-key privacy (§3.3.2, the role of RSAPrivacy) with today's construction: each message
 * is sealed to the receiver's X25519 public key (an ephemeral X25519 key, HKDF-SHA-256 over
 * the shared secret and both public keys, ChaCha20-Poly1305), as HPKE's base mode does. Only
 * the receiver's private key opens it; no shared key is needed.
 *
 * The associated data is the ephemeral key and the frame header (FrameHeader), so a sealed
 * frame cannot be moved to another epoch, kind or generation, nor reflected.
 *
 * Wire: ephemeral public key (32) ‖ sealed message (+16).
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { KeyAgreementKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { AgreementKeys, AgreementPrivateKey, Participants, settings } from '../runtime/context.js';
import { keyMiss } from '../runtime/events.js';
import { FrameHeader, HEADER_LENGTH } from '../runtime/frame-header.js';
import { bindTransform } from './bind-transform.js';

const enc = new TextEncoder();
const INFO = enc.encode('seccomm public-key-privacy');
const NONCE = new Uint8Array(12);

export function publicKeyPrivacy(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  let mine: KeyAgreementKey | null = null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const header = new FrameHeader(c);
      const aad = new Uint8Array(32 + HEADER_LENGTH);
      const associated = (eph: Uint8Array, msg: Message, outbound: boolean): Uint8Array => {
        aad.set(eph);
        aad.set(header.of(msg, outbound), 32);
        return aad;
      };
      const priv = c.shared.get(AgreementPrivateKey);
      if (priv !== null) mine = s.engine.keyAgreement('x25519', priv);
      const keyFor = (shared: Uint8Array, eph: Uint8Array, recipient: Uint8Array): Uint8Array => {
        const salt = new Uint8Array(64);
        salt.set(eph);
        salt.set(recipient, 32);
        return s.engine.hkdf('sha256', shared, salt, INFO, 32);
      };
      const send = (msg: Message): string | null => {
        const peer = c.shared.get(Participants).peer;
        const recipient = c.shared.get(AgreementKeys).get(peer);
        if (recipient === undefined) {
          c.runtime.raise(keyMiss, peer);
          return 'public-key-missing';
        }
        const eph = s.engine.keyAgreement('x25519');
        const k = keyFor(eph.deriveShared(recipient), eph.publicKey, recipient);
        const aead = s.engine.aead('chacha20-poly1305', k);
        k.fill(0);
        const b = msg.buffer;
        const sealed = aead.seal(NONCE, b.subarray(), associated(eph.publicKey, msg, true));
        aead.destroy();
        b.reset();
        b.appendBytes(eph.publicKey);
        b.appendBytes(sealed);
        eph.destroy();
        return null;
      };
      const receive = (msg: Message): string | null => {
        if (mine === null) return 'private-key-missing';
        const b = msg.buffer;
        if (b.length < 48) return 'privacy-check-failed';
        const eph = b.bytes.slice(b.start, b.start + 32);
        let shared: Uint8Array;
        try {
          shared = mine.deriveShared(eph);
        } catch {
          return 'privacy-check-failed'; // a low-order point: no shared secret
        }
        const k = keyFor(shared, eph, mine.publicKey);
        const aead = s.engine.aead('chacha20-poly1305', k);
        k.fill(0);
        const plain = aead.open(
          NONCE,
          b.bytes.subarray(b.start + 32, b.end),
          associated(eph, msg, false),
        );
        aead.destroy();
        if (plain === null) return 'privacy-check-failed';
        b.reset();
        b.appendBytes(plain);
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
    },
    stop() {
      mine?.destroy();
    },
  };
}
