/**
 * Integrity micro-protocols (§3.3.3): a digest (plain or keyed) appended on the way out,
 * checked in constant time and removed on the way in. The keyed one (HMAC) uses a key per
 * direction (DirectionalKeys) and covers the frame header too (FrameHeader): a frame
 * reflected to its sender, or moved to another epoch, kind or generation, does not verify.
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import { constantTimeEqual, hashLength, type HashAlgorithm, type MacKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { epochOf, settings } from '../runtime/context.js';
import { DirectionalKeys } from '../runtime/directional-keys.js';
import { FrameHeader } from '../runtime/frame-header.js';
import { bindTransform } from './bind-transform.js';

const hashOf: Record<string, HashAlgorithm> = {
  'sha256-digest': 'sha256',
  'sha512-digest': 'sha512',
  'sha1-digest': 'sha1',
  'md5-digest': 'md5',
};

/** Bytes of the digest an integrity micro-protocol appends. */
export function digestLength(m: ResolvedMicroProtocol): number {
  const hash = hashOf[m.name];
  return hash !== undefined ? hashLength[hash] : 32;
}

export function integrity(m: ResolvedMicroProtocol): MicroProtocol {
  let macs: DirectionalKeys<MacKey> | null = null;
  const name = label(m);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const hash = hashOf[m.name];
      const table =
        hash === undefined
          ? new DirectionalKeys(c, m, 32, (k) => s.engine.mac('hmac-sha256', k))
          : null;
      macs = table;
      const header = new FrameHeader(c);
      const length = digestLength(m);
      /** The digest of `data` (keyed: with the frame header) under the message's epoch, or null when its key is missing. */
      const digest = (msg: Message, data: Uint8Array, outbound: boolean): Uint8Array | null => {
        if (table === null) return s.engine.hash(hash as HashAlgorithm, data);
        return (
          (outbound ? table.send : table.receive)
            .get(epochOf(c, msg))
            ?.compute(header.of(msg, outbound), data) ?? null
        );
      };
      bindTransform(
        c,
        m,
        name,
        s.role,
        (msg) => {
          const d = digest(msg, msg.buffer.subarray(), true);
          if (d === null) return 'key-missing';
          msg.buffer.appendBytes(d);
          return null;
        },
        (msg) => {
          const b = msg.buffer;
          if (b.length < length) return 'integrity-check-failed';
          const d = digest(msg, b.bytes.subarray(b.start, b.end - length), false);
          if (d === null) return 'key-missing';
          if (!constantTimeEqual(d, b.bytes.subarray(b.end - length, b.end)))
            return 'integrity-check-failed';
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
