/**
 * Privacy micro-protocols (§3.3.2): encrypt what is below them on the way out, decrypt on the
 * way in. AEADs carry a 12-byte nonce (4 random bytes for the connection, 8 counting);
 * CBC pads (PKCS#7) under a random IV; CTR uses a random counter block; Caesar is the paper's
 * toy, kept to show what a weak choice lets through.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { AeadKey, CipherKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, Keys, settings } from '../runtime/context.js';
import { KeyObjects } from '../runtime/key-table.js';
import { bindTransform } from './bind-transform.js';

const aeadOf = { 'aes-128-gcm-privacy': 'aes-128-gcm', 'aes-256-gcm-privacy': 'aes-256-gcm', 'chacha20-poly1305-privacy': 'chacha20-poly1305' } as const;
const cipherOf = { 'aes-128-cbc-privacy': 'aes-128-cbc', 'aes-256-cbc-privacy': 'aes-256-cbc', 'aes-128-ctr-privacy': 'aes-128-ctr' } as const;

/** The Caesar "key object": the shift is the key's first byte. */
class Shift {
  constructor(readonly by: number) {}
  destroy(): void {}
}

export function privacy(m: ResolvedMicroProtocol): MicroProtocol {
  let keys: KeyObjects<AeadKey | CipherKey | Shift> | null = null;
  let prefix: Uint8Array = new Uint8Array(4);
  let counter = 0;
  const name = label(m);
  const cbc = m.name === 'aes-128-cbc-privacy' || m.name === 'aes-256-cbc-privacy';
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const make = (k: Uint8Array): AeadKey | CipherKey | Shift =>
        m.name in aeadOf ? s.engine.aead(aeadOf[m.name as keyof typeof aeadOf], k) : m.name in cipherOf ? s.engine.cipher(cipherOf[m.name as keyof typeof cipherOf], k) : new Shift(k[0] ?? 3);
      const table = new KeyObjects(c.shared.get(Keys), m.key ?? 1, make);
      keys = table;
      prefix = s.engine.randomBytes(4);
      const nonce = new Uint8Array(12);
      const nonceView = new DataView(nonce.buffer);
      const out = (msg: Message): string | null => {
        const k = table.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        if ('seal' in k) {
          // seal reads the plaintext where it lies and returns new bytes: no copy first.
          nonce.set(prefix);
          nonceView.setUint32(8, ++counter);
          const sealed = k.seal(nonce, b.subarray());
          b.reset();
          b.appendBytes(nonce);
          b.appendBytes(sealed);
          return null;
        }
        const plain = b.copy();
        b.reset();
        if (k instanceof Shift) b.appendBytes(plain.map((x) => (x + k.by) & 0xff));
        else {
          const iv = s.engine.randomBytes(16);
          const pad = cbc ? 16 - (plain.length % 16) : 0;
          const padded = new Uint8Array(plain.length + pad).fill(pad);
          padded.set(plain);
          b.appendBytes(iv);
          b.appendBytes(k.encrypt(iv, padded));
        }
        return null;
      };
      const inn = (msg: Message): string | null => {
        const k = table.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        const data = b.subarray();
        let plain: Uint8Array | null;
        if (k instanceof Shift) plain = data.map((x) => (x - k.by) & 0xff);
        else if ('open' in k) plain = data.length < 28 ? null : k.open(data.subarray(0, 12), data.subarray(12));
        else if (data.length < 16 || (cbc && (data.length - 16) % 16 !== 0) || (cbc && data.length < 32)) plain = null;
        else {
          const p = k.decrypt(data.subarray(0, 16), data.subarray(16));
          const pad = cbc ? (p[p.length - 1] as number) : 0;
          plain = cbc && (pad < 1 || pad > 16 || !p.subarray(p.length - pad).every((x) => x === pad)) ? null : p.subarray(0, p.length - pad);
        }
        if (plain === null) return 'privacy-check-failed';
        b.reset();
        b.appendBytes(plain);
        return null;
      };
      bindTransform(c, m, name, s.role, out, inn);
    },
    stop() {
      keys?.destroy();
    },
  };
}
