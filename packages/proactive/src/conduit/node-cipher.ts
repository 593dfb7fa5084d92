/**
 * The Cipher session of a server's node: the broadcast channel's keys (Ed25519 signing, X25519
 * agreement, the pairwise ChaCha20-Poly1305 keys) are in this state's #private field and
 * nowhere else in the node; `wipe()` (the node's close) destroys them. Going down (from B) it
 * seals the private entries of the Coder's plain frame and signs it, and keeps the frame for
 * a peer that missed it; going up (from A) it checks the signature and opens this server's
 * entries, handing the Coder a plain frame. A refused frame is dropped and counted by reason
 * (a forged or altered one as a security event).
 */
import type { Message, Session, State } from '@conduits/core';
import { wipe } from '@conduits/crypto';
import type { BroadcastChannel, DropReason } from './broadcast-channel.js';
import { resendAttr } from './node-messages.js';

/** Frames that are security events when dropped (forged, altered, or sealed under another key). */
const security: ReadonlySet<DropReason> = new Set([
  'bad-signature',
  'not-sealed-for-me',
  'unknown-sender',
]);

export class NodeCipherState implements State {
  readonly name = 'proactive-cipher';
  #channel: BroadcastChannel | null;
  /** This server's sealed frames of the last two exchanges, by round (for peers catching up). */
  readonly #sent = new Map<number, Map<number, Uint8Array>>();

  constructor(
    channel: BroadcastChannel,
    /** Told of every frame dropped here or by the Coder (the node counts it). */
    private readonly onDrop: () => void = () => undefined,
  ) {
    this.#channel = channel;
  }

  /** The channel's drop counters (no keys). */
  get drops(): Readonly<Record<DropReason, number>> | null {
    return this.#channel?.drops ?? null;
  }

  get wiped(): boolean {
    return this.#channel === null;
  }

  /** Count a frame the Coder could not decode (same counters as the channel's). */
  countDrop(reason: DropReason): void {
    this.#channel?.countDrop(reason);
    this.onDrop();
  }

  accept(s: Session, msg: Message, from: 'A' | 'B'): void {
    const channel = this.#channel;
    if (channel === null) return s.drop(msg, 'proactive-closed');
    const b = msg.buffer;
    if (from === 'B') {
      const again = msg.get(resendAttr);
      if (again !== undefined) {
        const frame = this.#sent.get(again.exchange)?.get(again.round);
        if (frame === undefined) return msg.release();
        b.set(frame);
        return s.send('A', msg);
      }
      const plain = b.subarray();
      const frame = channel.sealFrame(plain);
      wipe(plain);
      this.#remember(frame);
      b.set(frame);
      return s.send('A', msg);
    }
    const plain = channel.openFrame(b.subarray());
    if (plain === null) {
      const reason = channel.lastDrop ?? 'malformed';
      this.onDrop();
      return s.drop(msg, `proactive-${reason}`, security.has(reason));
    }
    b.set(plain);
    wipe(plain);
    s.send('B', msg);
  }

  #remember(frame: Uint8Array): void {
    const v = new DataView(frame.buffer, frame.byteOffset, frame.length);
    const exchange = v.getUint32(0);
    const round = frame[4] as number;
    let m = this.#sent.get(exchange);
    if (m === undefined) {
      this.#sent.set(exchange, (m = new Map()));
      // Keep the last two exchanges only.
      for (const e of this.#sent.keys()) if (e < exchange - 1) this.#sent.delete(e);
    }
    m.set(round, frame);
  }

  /** Destroy the keys (the node's close). */
  wipe(): void {
    this.#channel?.close();
    this.#channel = null;
    this.#sent.clear();
  }
}
