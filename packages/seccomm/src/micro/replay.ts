/**
 * Replay prevention (§3.3.5). Sequence numbers: a 64-bit counter in front of the message, a
 * 64-message window at the receiver. Timestamps: time and a random nonce, refused when
 * outside the allowed skew or already seen (a cache of recent messages, pruned by age).
 */
import { msgFromAbove, msgFromBelow, type CompositeProtocol, type Message, type MicroProtocol } from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { reject, settings } from '../runtime/context.js';
import { applies } from './direction.js';

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
      c.runtime.bind(
        msgFromAbove,
        (msg: Message) => {
          if (!applies(m, s.role, true)) return;
          const b = msg.buffer;
          if (m.name === 'sequence-replay-prevention') {
            const at = b.push(8);
            b.view.setBigUint64(at, BigInt(++sent));
          } else {
            const at = b.push(12);
            b.view.setBigUint64(at, BigInt(Math.round(s.now())));
            b.bytes.set(s.engine.randomBytes(4), at + 8);
          }
        },
        m.order,
        null,
        name,
      );
      c.runtime.bind(
        msgFromBelow,
        (msg: Message, _x: null, rt) => {
          if (!applies(m, s.role, false)) return;
          const b = msg.buffer;
          const fail = (reason: string): void => {
            reject(c, name, msg, reason);
            rt.stop();
          };
          if (m.name === 'sequence-replay-prevention') {
            if (b.length < 8) return fail('replay-truncated');
            const seq = Number(b.view.getBigUint64(b.start));
            if (seq === 0 || seq + WINDOW <= top) return fail('replay-outside-window');
            if (seen.has(seq)) return fail('replay-duplicate');
            seen.add(seq);
            if (seq > top) {
              top = seq;
              for (const x of seen) if (x + WINDOW <= top) seen.delete(x);
            }
            b.pull(8);
            return;
          }
          if (b.length < 12) return fail('replay-truncated');
          const ts = Number(b.view.getBigUint64(b.start));
          const now = s.now();
          if (Math.abs(now - ts) > skew) return fail('replay-stale');
          const id = `${ts}:${b.view.getUint32(b.start + 8)}`;
          if (recent.has(id)) return fail('replay-duplicate');
          recent.set(id, ts);
          for (const [k, t] of recent) {
            if (now - t <= skew) break;
            recent.delete(k);
          }
          b.pull(12);
        },
        m.order,
        null,
        name,
      );
    },
  };
}
