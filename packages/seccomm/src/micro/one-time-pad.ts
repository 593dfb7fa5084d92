/**
 * One-time-pad privacy (§3.3.2) from a file both ends hold. The client encrypts with the
 * pad's first half, the server with its second half, so the two directions never share pad
 * bytes. Each message carries the offset its pad bytes start at; a receiver refuses an offset
 * it has seen (pad reuse is a replay) and a sender refuses to send once its half is used up.
 * A pad hides perfectly but protects nothing against changes: combine it with integrity.
 *
 * Wire: pad offset (u32) ‖ message XOR pad[offset ..].
 */
import type { CompositeProtocol, Message, MicroProtocol } from '@conduits/core';
import { readFileSync } from 'node:fs';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { bindTransform } from './bind-transform.js';

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
      let next = 0;
      const used = new Set<number>();
      const xor = (data: Uint8Array, from: number): void => {
        for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) ^ (pad[from + i] as number);
      };
      const send = (msg: Message): string | null => {
        const b = msg.buffer;
        if (next + b.length > half) return 'pad-exhausted';
        xor(b.bytes.subarray(b.start, b.end), mine + next);
        const at = b.push(4);
        b.view.setUint32(at, next);
        next += b.length - 4;
        return null;
      };
      const receive = (msg: Message): string | null => {
        const b = msg.buffer;
        if (b.length < 4) return 'privacy-check-failed';
        const offset = b.view.getUint32(b.start);
        if (offset + b.length - 4 > half) return 'pad-offset-invalid';
        if (used.has(offset)) return 'pad-reused';
        used.add(offset);
        b.pull(4);
        xor(b.bytes.subarray(b.start, b.end), theirs + offset);
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
    },
    stop() {
      pad.fill(0);
    },
  };
}
