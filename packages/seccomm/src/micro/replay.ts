/**
 * Replay prevention (§3.3.5). Sequence numbers: a 64-bit counter in front of the message, a
 * 64-message window at the receiver. Timestamps: time and a random nonce, refused when
 * outside the allowed skew or already seen (a cache of recent messages, pruned by age).
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { bindTransform } from './bind-transform.js';

const WINDOW = 64;

export function replayPrevention(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  const skew = Number(m.params['skew'] ?? 30_000);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      let sent = 0;
      let top = 0;
      const seen = new Set<number>();
      const recent = new Map<string, number>();
      const send = (msg: Message): void => {
        const b = msg.buffer;
        if (m.name === 'sequence-replay-prevention') {
          const at = b.push(8);
          b.view.setBigUint64(at, BigInt(++sent));
        } else {
          const at = b.push(12);
          b.view.setBigUint64(at, BigInt(Math.round(s.now())));
          b.bytes.set(s.engine.randomBytes(4), at + 8);
        }
      };
      const receive = (msg: Message): string | null => {
        const b = msg.buffer;
        if (m.name === 'sequence-replay-prevention') {
          if (b.length < 8) return 'replay-truncated';
          const seq = Number(b.view.getBigUint64(b.start));
          if (seq === 0 || seq + WINDOW <= top) return 'replay-outside-window';
          if (seen.has(seq)) return 'replay-duplicate';
          seen.add(seq);
          if (seq > top) {
            top = seq;
            for (const x of seen) if (x + WINDOW <= top) seen.delete(x);
          }
          b.pull(8);
          return null;
        }
        if (b.length < 12) return 'replay-truncated';
        const ts = Number(b.view.getBigUint64(b.start));
        const now = s.now();
        if (Math.abs(now - ts) > skew) return 'replay-stale';
        const id = `${ts}:${b.view.getUint32(b.start + 8)}`;
        if (recent.has(id)) return 'replay-duplicate';
        recent.set(id, ts);
        for (const [k, t] of recent) {
          if (now - t <= skew) break;
          recent.delete(k);
        }
        b.pull(12);
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
    },
  };
}
