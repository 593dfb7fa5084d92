/**
 * Integrity micro-protocols (§3.3.3): a digest (plain or keyed) appended on the way out,
 * checked in constant time and removed on the way in.
 */
import type { CompositeProtocol, MicroProtocol } from '@conduits/core';
import { constantTimeEqual, hashLength, type HashAlgorithm, type MacKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Keys, settings } from '../runtime/context.js';
import { bindTransform } from './bind-transform.js';

const hashOf: Record<string, HashAlgorithm> = { 'sha256-digest': 'sha256', 'sha512-digest': 'sha512', 'sha1-digest': 'sha1', 'md5-digest': 'md5' };

export function integrity(m: ResolvedMicroProtocol): MicroProtocol {
  let mac: MacKey | null = null;
  const name = label(m);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const hash = hashOf[m.name];
      if (hash === undefined) {
        const k = c.shared.get(Keys).get(m.key ?? 1);
        if (k === undefined) throw new Error(`${name}: key ${m.key} is not in the Keys table`);
        mac = s.engine.mac('hmac-sha256', k);
      }
      const length = hash !== undefined ? hashLength[hash] : 32;
      const digest = (data: Uint8Array): Uint8Array => (mac !== null ? mac.compute(data) : s.engine.hash(hash as HashAlgorithm, data));
      bindTransform(
        c,
        m,
        name,
        s.role,
        (msg) => msg.buffer.appendBytes(digest(msg.buffer.subarray())),
        (msg) => {
          const b = msg.buffer;
          if (b.length < length || !constantTimeEqual(digest(b.bytes.subarray(b.start, b.end - length)), b.bytes.subarray(b.end - length, b.end))) return 'integrity-check-failed';
          b.trim(length);
          return null;
        },
      );
    },
    stop() {
      mac?.destroy();
    },
  };
}
