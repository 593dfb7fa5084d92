/**
 * ConsistencyCheck (§3.3.4): redundancy added before encryption and checked after decryption.
 * A message changed in transit decrypts to something whose redundancy no longer fits. The
 * redundancy is the first 16 bytes of SHA-256 over the plaintext: it is only as strong as the
 * privacy micro-protocol that hides the plaintext — which is why the composition checker
 * refuses ConsistencyCheck without privacy, and places it below privacy (order 35 < 40).
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import { constantTimeEqual } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { bindTransform } from './bind-transform.js';

const REDUNDANCY = 16;

export function consistencyCheck(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const check = (data: Uint8Array): Uint8Array =>
        s.engine.hash('sha256', data).subarray(0, REDUNDANCY);
      bindTransform(
        c,
        m,
        name,
        s.role,
        (msg: Message) => msg.buffer.appendBytes(check(msg.buffer.subarray())),
        (msg: Message) => {
          const b = msg.buffer;
          if (b.length < REDUNDANCY) return 'consistency-check-failed';
          if (
            !constantTimeEqual(
              check(b.bytes.subarray(b.start, b.end - REDUNDANCY)),
              b.bytes.subarray(b.end - REDUNDANCY, b.end),
            )
          )
            return 'consistency-check-failed';
          b.trim(REDUNDANCY);
          return null;
        },
      );
    },
  };
}
