/**
 * Key creation micro-protocols (§3.3.5, Figure 6): bound to keyCreate_i, they fill in the key
 * a distribution asked for. Decoupled from distribution so the way keys are made can change
 * without touching how they travel.
 *  - random-key-creation: the engine's CSPRNG (with params.seed, hex: a deterministic chain
 *    key_n = HKDF(key_{n-1}), the paper's "next random key from previous" — for tests only);
 *  - derived-key-creation: HKDF-SHA-256 over the material a distribution agreed on (the
 *    X25519 secret), bound to the transcript given as `info`.
 */
import type { CompositeProtocol, MicroProtocol } from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { keyCreate, type KeyCreation } from '../runtime/events.js';

const enc = new TextEncoder();

export function keyCreation(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  let previous: Uint8Array | null =
    typeof m.params['seed'] === 'string'
      ? Uint8Array.from(Buffer.from(m.params['seed'], 'hex'))
      : null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      c.runtime.bind(
        keyCreate(m.creation ?? 1),
        (k: KeyCreation) => {
          if (m.name === 'derived-key-creation') {
            if (k.material === undefined)
              throw new Error(`${name}: keyCreate without key material to derive from`);
            k.key = s.engine.hkdf(
              'sha256',
              k.material,
              new Uint8Array(0),
              k.info ?? enc.encode('seccomm key'),
              k.length,
            );
          } else if (previous !== null) {
            previous = s.engine.hkdf(
              'sha256',
              previous,
              new Uint8Array(0),
              enc.encode('seccomm random-key-creation'),
              Math.max(32, k.length),
            );
            k.key = previous.slice(0, k.length);
          } else k.key = s.engine.randomBytes(k.length);
        },
        0,
        null,
        name,
      );
    },
    stop() {
      previous?.fill(0);
    },
  };
}
