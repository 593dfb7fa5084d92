/**
 * Integrity micro-protocols (§3.3.3): a digest (plain or keyed) appended on the way out,
 * checked in constant time and removed on the way in.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import { constantTimeEqual, hashLength, type HashAlgorithm, type MacKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, Keys, settings } from '../runtime/context.js';
import { KeyObjects } from '../runtime/key-table.js';
import { bindTransform } from './bind-transform.js';

const hashOf: Record<string, HashAlgorithm> = { 'sha256-digest': 'sha256', 'sha512-digest': 'sha512', 'sha1-digest': 'sha1', 'md5-digest': 'md5' };

/** Bytes of the digest an integrity micro-protocol appends. */
export function digestLength(m: ResolvedMicroProtocol): number {
  const hash = hashOf[m.name];
  return hash !== undefined ? hashLength[hash] : 32;
}

export function integrity(m: ResolvedMicroProtocol): MicroProtocol {
  let macs: KeyObjects<MacKey> | null = null;
  const name = label(m);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const hash = hashOf[m.name];
      const table = hash === undefined ? new KeyObjects(c.shared.get(Keys), m.key ?? 1, (k) => s.engine.mac('hmac-sha256', k)) : null;
      macs = table;
      const length = digestLength(m);
      /** The digest of `data` under the message's epoch, or null when its key is missing. */
      const digest = (msg: Message, data: Uint8Array): Uint8Array | null => {
        if (table === null) return s.engine.hash(hash as HashAlgorithm, data);
        return table.get(epochOf(c, msg))?.compute(data) ?? null;
      };
      bindTransform(
        c,
        m,
        name,
        s.role,
        (msg) => {
          const d = digest(msg, msg.buffer.subarray());
          if (d === null) return 'key-missing';
          msg.buffer.appendBytes(d);
          return null;
        },
        (msg) => {
          const b = msg.buffer;
          if (b.length < length) return 'integrity-check-failed';
          const d = digest(msg, b.bytes.subarray(b.start, b.end - length));
          if (d === null) return 'key-missing';
          if (!constantTimeEqual(d, b.bytes.subarray(b.end - length, b.end))) return 'integrity-check-failed';
          b.trim(length);
          return null;
        },
      );
    },
    stop() {
      macs?.destroy();
    },
  };
}
