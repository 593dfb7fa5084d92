/**
 * The Coder's bytes: an envelope as a plain frame, exchange u32 ‖ round u8 ‖ from u8 ‖ count u8
 * ‖ count × (to u8 (0: everyone) ‖ len u16 ‖ encoded message). The Cipher seals the entries with
 * a receiver and signs the whole; on the way up it hands back a plain frame holding only what
 * is for this server. Decoding never throws: a frame that is not one gives the drop reason.
 */
import { wipe } from '@conduits/crypto';
import type { Outgoing } from '../round-protocol.js';
import type { Envelope } from './broadcast-channel.js';
import { decodeMessage, encodeMessage, Reader, Writer, type RoundMessage } from './codec.js';

/** The plain frame of an envelope; private entries are secret (the caller wipes the bytes). */
export function encodePlainFrame(env: Envelope): Uint8Array {
  const w = new Writer().u32(env.exchange).u8(env.round).u8(env.from).u8(env.messages.length);
  for (const o of env.messages) {
    const plain = encodeMessage(o.msg);
    w.u8(o.to ?? 0).bytes16(plain);
    wipe(plain);
  }
  return w.done();
}

/** The envelope in a plain frame, or why it is not acceptable. */
export function decodePlainFrame(plain: Uint8Array): Envelope | 'malformed' | 'bad-message' {
  let r: Reader, exchange: number, round: number, from: number, count: number;
  try {
    r = new Reader(plain);
    exchange = r.u32();
    round = r.u8();
    from = r.u8();
    count = r.u8();
  } catch {
    return 'malformed';
  }
  const messages: Outgoing<RoundMessage>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const to = r.u8();
      const bytes = r.bytes16();
      const m = decodeMessage(bytes);
      if (to !== 0) wipe(bytes);
      // The inner sender must be the frame's (signed) sender.
      if (m === null || m.from !== from) return 'bad-message';
      messages.push(to === 0 ? { msg: m } : { to, msg: m });
    }
  } catch {
    return 'malformed';
  }
  if (r.left !== 0) return 'malformed';
  return { exchange, round, from, messages };
}
