/**
 * Privacy micro-protocols (§3.3.2): encrypt what is below them on the way out, decrypt on the
 * way in. AEADs carry a 12-byte nonce (4 random bytes for the connection, 8 counting);
 * CBC pads (PKCS#7) under a random IV; CTR uses a random counter block; Caesar is the paper's
 * toy, kept to show what a weak choice lets through.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { AeadKey, CipherKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Keys, settings } from '../runtime/context.js';
import { bindTransform } from './bind-transform.js';

const aeadOf = { 'aes-128-gcm-privacy': 'aes-128-gcm', 'aes-256-gcm-privacy': 'aes-256-gcm', 'chacha20-poly1305-privacy': 'chacha20-poly1305' } as const;
const cipherOf = { 'aes-128-cbc-privacy': 'aes-128-cbc', 'aes-256-cbc-privacy': 'aes-256-cbc', 'aes-128-ctr-privacy': 'aes-128-ctr' } as const;

function key(c: CompositeProtocol, m: ResolvedMicroProtocol): Uint8Array {
  const k = c.shared.get(Keys).get(m.key ?? 1);
  if (k === undefined) throw new Error(`${label(m)}: key ${m.key} is not in the Keys table`);
  return k;
}

export function privacy(m: ResolvedMicroProtocol): MicroProtocol {
  let aead: AeadKey | null = null;
  let cipher: CipherKey | null = null;
  let prefix: Uint8Array = new Uint8Array(4);
  let counter = 0;
  const name = label(m);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      if (m.name in aeadOf) aead = s.engine.aead(aeadOf[m.name as keyof typeof aeadOf], key(c, m));
      else if (m.name in cipherOf) cipher = s.engine.cipher(cipherOf[m.name as keyof typeof cipherOf], key(c, m));
      prefix = s.engine.randomBytes(4);
      const out = (msg: Message): void => {
        const b = msg.buffer;
        const plain = b.copy();
        b.reset();
        if (aead !== null) {
          const nonce = new Uint8Array(12);
          nonce.set(prefix);
          new DataView(nonce.buffer).setUint32(8, ++counter);
          b.appendBytes(nonce);
          b.appendBytes(aead.seal(nonce, plain));
        } else if (cipher !== null) {
          const iv = s.engine.randomBytes(16);
          const cbc = m.name !== 'aes-128-ctr-privacy';
          const pad = cbc ? 16 - (plain.length % 16) : 0;
          const padded = new Uint8Array(plain.length + pad).fill(pad);
          padded.set(plain);
          b.appendBytes(iv);
          b.appendBytes(cipher.encrypt(iv, padded));
        } else {
          const shift = key(c, m)[0] ?? 3;
          b.appendBytes(plain.map((x) => (x + shift) & 0xff));
        }
      };
      const inn = (msg: Message): string | null => {
        const b = msg.buffer;
        const data = b.copy();
        let plain: Uint8Array | null;
        if (aead !== null) plain = data.length < 28 ? null : aead.open(data.subarray(0, 12), data.subarray(12));
        else if (cipher !== null) {
          const cbc = m.name !== 'aes-128-ctr-privacy';
          if (data.length < 16 || (cbc && (data.length - 16) % 16 !== 0) || (cbc && data.length < 32)) plain = null;
          else {
            const p = cipher.decrypt(data.subarray(0, 16), data.subarray(16));
            const pad = cbc ? (p[p.length - 1] as number) : 0;
            plain = cbc && (pad < 1 || pad > 16 || !p.subarray(p.length - pad).every((x) => x === pad)) ? null : p.subarray(0, p.length - pad);
          }
        } else {
          const shift = key(c, m)[0] ?? 3;
          plain = data.map((x) => (x - shift) & 0xff);
        }
        if (plain === null) return 'privacy-check-failed';
        b.reset();
        b.appendBytes(plain);
        return null;
      };
      bindTransform(c, m, name, s.role, out, inn);
    },
    stop() {
      aead?.destroy();
      cipher?.destroy();
    },
  };
}
