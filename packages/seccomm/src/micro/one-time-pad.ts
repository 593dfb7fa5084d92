/**
 * One-time-pad privacy (§3.3.2) from a file both ends hold. The client encrypts with the
 * pad's first half, the server with its second half, so the two directions never share pad
 * bytes. Each message carries the offset its pad bytes start at; a sender refuses to send
 * once its half is used up.
 *
 * Pad bytes are never used twice, across connections too: before a message leaves, the
 * sender's next offset is written to its offsets file (params.offsets, default
 * `<file>.<role>-offset`), and a new connection starts from there. A receiver refuses an
 * offset it has seen (pad reuse is a replay), and consumes an offset only once the whole
 * frame has passed every check — a forged frame that fails authentication cannot burn the
 * offset of the honest message to come. A pad hides perfectly but protects nothing against
 * changes: combine it with integrity (the resolver warns otherwise).
 *
 * Wire: pad offset (u32) ‖ message XOR pad[offset ..].
 */
import {
  attribute,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { EDGE } from '../runtime/framing.js';
import { bindTransform, eventsOf } from './bind-transform.js';

/** The pad offset a received message used, consumed once the message has passed every check. */
const PadOffset = attribute<number>('seccomm.pad-offset', 'local');

/** Where a sender keeps its next offset. */
function offsetsFile(m: ResolvedMicroProtocol, role: 'client' | 'server'): string {
  return typeof m.params['offsets'] === 'string'
    ? m.params['offsets']
    : `${String(m.params['file'])}.${role}-offset`;
}

export function oneTimePad(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  let pad: Uint8Array = new Uint8Array(0);
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      pad = new Uint8Array(readFileSync(String(m.params['file'])));
      const half = Math.floor(pad.length / 2);
      const mine = s.role === 'client' ? 0 : half;
      const theirs = s.role === 'client' ? half : 0;
      const state = offsetsFile(m, s.role);
      const stored = existsSync(state) ? Number(readFileSync(state, 'utf8').trim()) : 0;
      // An unreadable offsets file must not restart the pad at 0: treat it as used up.
      let next = Number.isSafeInteger(stored) && stored >= 0 ? stored : half;
      const used = new Set<number>();
      const xor = (data: Uint8Array, from: number): void => {
        for (let i = 0; i < data.length; i++)
          data[i] = (data[i] as number) ^ (pad[from + i] as number);
      };
      const send = (msg: Message): string | null => {
        const b = msg.buffer;
        if (next + b.length > half) return 'pad-exhausted';
        const at = next;
        next += b.length;
        // Written before the pad bytes are used: a crash after this loses pad, never reuses it.
        writeFileSync(state, String(next));
        xor(b.bytes.subarray(b.start, b.end), mine + at);
        b.view.setUint32(b.push(4), at);
        return null;
      };
      const receive = (msg: Message): string | null => {
        const b = msg.buffer;
        if (b.length < 4) return 'privacy-check-failed';
        const offset = b.view.getUint32(b.start);
        if (offset + b.length - 4 > half) return 'pad-offset-invalid';
        if (used.has(offset)) return 'pad-reused';
        msg.set(PadOffset, offset);
        b.pull(4);
        xor(b.bytes.subarray(b.start, b.end), theirs + offset);
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
      // Last on the way in (receivers run by descending order): the message has passed every check.
      for (const [, inn] of eventsOf(m)) {
        c.runtime.bind(
          inn,
          (msg: Message) => {
            const offset = msg.get(PadOffset);
            if (offset !== undefined) used.add(offset);
          },
          -(EDGE - 1),
          null,
          `${name}-consume`,
        );
      }
    },
    stop() {
      pad.fill(0);
    },
  };
}
