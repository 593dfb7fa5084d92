/**
 * Privacy micro-protocols (§3.3.2): encrypt what is below them on the way out, decrypt on the
 * way in, each direction under its own key (DirectionalKeys). AEADs carry a 12-byte nonce:
 * 4 random bytes for the connection ‖ a 64-bit count of the messages sent under that key;
 * the frame header (kind, epoch, generation, the sender's role) is their associated data.
 * After `params.nonceLimit` messages under one key the micro-protocol asks for a new one
 * (replaceKey_i, when the key is distributed) and refuses to send once the limit is reached,
 * so no nonce is ever used twice. CBC pads (PKCS#7) under a random IV; CTR uses a random
 * counter block — both malleable without integrity (the resolver warns); Caesar is the
 * paper's toy, kept to show what a weak choice lets through.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import type { AeadKey, CipherKey } from '@conduits/crypto';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, Keys, settings } from '../runtime/context.js';
import { DirectionalKeys } from '../runtime/directional-keys.js';
import { replaceKey } from '../runtime/events.js';
import { FrameHeader } from '../runtime/frame-header.js';
import { NonceSequence } from '../runtime/nonce-sequence.js';
import { bindTransform } from './bind-transform.js';

const aeadOf = {
  'aes-128-gcm-privacy': 'aes-128-gcm',
  'aes-256-gcm-privacy': 'aes-256-gcm',
  'chacha20-poly1305-privacy': 'chacha20-poly1305',
} as const;
const cipherOf = {
  'aes-128-cbc-privacy': 'aes-128-cbc',
  'aes-256-cbc-privacy': 'aes-256-cbc',
  'aes-128-ctr-privacy': 'aes-128-ctr',
} as const;

/** Messages one key may protect in one direction before it must be replaced. @default 2^32 */
export const DEFAULT_NONCE_LIMIT = 2 ** 32;
/** The Caesar "key object": the shift is the key's first byte. */
class Shift {
  constructor(readonly by: number) {}
  destroy(): void {}
}

export interface PrivacyOptions {
  /** Some key distribution can replace this micro-protocol's key (replaceKey_i). */
  readonly rekeyable?: boolean;
}

export function privacy(m: ResolvedMicroProtocol, options: PrivacyOptions = {}): MicroProtocol {
  let keys: DirectionalKeys<AeadKey | CipherKey | Shift> | null = null;
  const name = label(m);
  const cbc = m.name === 'aes-128-cbc-privacy' || m.name === 'aes-256-cbc-privacy';
  const limit = Number(m.params['nonceLimit'] ?? DEFAULT_NONCE_LIMIT);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const index = m.key ?? 1;
      const make = (k: Uint8Array): AeadKey | CipherKey | Shift =>
        m.name in aeadOf
          ? s.engine.aead(aeadOf[m.name as keyof typeof aeadOf], k)
          : m.name in cipherOf
            ? s.engine.cipher(cipherOf[m.name as keyof typeof cipherOf], k)
            : new Shift(k[0] ?? 3);
      const table = new DirectionalKeys(
        c,
        m,
        (catalog[m.name] as CatalogEntry).keyLength ?? 32,
        make,
      );
      keys = table;
      const base = c.shared.get(Keys);
      const header = new FrameHeader(c);
      // Near the limit a distributed key is replaced (unless the connection closed meanwhile: its keys are wiped).
      const nonces = new NonceSequence(
        s.engine.randomBytes(4),
        limit,
        options.rekeyable
          ? () =>
              c.graph.scheduler.defer(
                () => void (base.has(index) && c.runtime.raise(replaceKey(index), null)),
              )
          : null,
      );
      const out = (msg: Message): string | null => {
        const epoch = epochOf(c, msg);
        const k = table.send.get(epoch);
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        if ('seal' in k) {
          const nonce = nonces.next(base.get(index, epoch));
          if (nonce === null) return 'nonce-limit';
          // seal reads the plaintext where it lies and returns new bytes: no copy first.
          const sealed = k.seal(nonce, b.subarray(), header.of(msg, true));
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
        const k = table.receive.get(epochOf(c, msg));
        if (k === null) return 'key-missing';
        const b = msg.buffer;
        const data = b.subarray();
        let plain: Uint8Array | null;
        if (k instanceof Shift) plain = data.map((x) => (x - k.by) & 0xff);
        else if ('open' in k)
          plain =
            data.length < 28
              ? null
              : k.open(data.subarray(0, 12), data.subarray(12), header.of(msg, false));
        else if (
          data.length < 16 ||
          (cbc && (data.length - 16) % 16 !== 0) ||
          (cbc && data.length < 32)
        )
          plain = null;
        else {
          const p = k.decrypt(data.subarray(0, 16), data.subarray(16));
          const pad = cbc ? (p[p.length - 1] as number) : 0;
          plain =
            cbc && (pad < 1 || pad > 16 || !p.subarray(p.length - pad).every((x) => x === pad))
              ? null
              : p.subarray(0, p.length - pad);
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
