/**
 * The authenticated broadcast among the servers: one frame per server per round, signed with
 * the sender's Ed25519 key (every server knows every server's public key); messages for one
 * receiver only (shares, recovery contributions) are sealed with ChaCha20-Poly1305 under a
 * key the two servers share (X25519, then HKDF), so the frame can go to everyone.
 *
 * Frame: exchange u32 ‖ round u8 ‖ from u8 ‖ count u8 ‖ count × (to u8 (0: everyone) ‖ len u16 ‖
 * bytes) ‖ Ed25519 signature over all before it. A sealed entry's nonce is exchange ‖ round ‖
 * from ‖ to, unique per pair key because exchanges only go up.
 */
import {
  constantTimeEqual,
  wipe,
  type AeadKey,
  type CryptoEngine,
  type KeyAgreementKey,
  type SigningKey,
} from '@conduits/crypto';
import type { Outgoing } from '../round-protocol.js';
import { decodeMessage, encodeMessage, Reader, Writer, type RoundMessage } from './codec.js';

export interface Envelope {
  exchange: number;
  round: number;
  from: number;
  messages: Outgoing<RoundMessage>[];
  /** A local round deadline (never on the wire). */
  deadline?: boolean;
}

export interface ServerIdentity {
  readonly signature: Uint8Array;
  readonly agreement: Uint8Array;
}

/** Why a frame was dropped (counted by the channel). */
export type DropReason =
  'malformed' | 'unknown-sender' | 'bad-signature' | 'not-sealed-for-me' | 'bad-message';

/** Frames remembered as verified (cleared when full). */
const verifiedLimit = 512;

const salt = new TextEncoder().encode('conduits-proactive-pairwise-v1');

export class BroadcastChannel {
  readonly drops: Record<DropReason, number> = {
    malformed: 0,
    'unknown-sender': 0,
    'bad-signature': 0,
    'not-sealed-for-me': 0,
    'bad-message': 0,
  };
  readonly #engine: CryptoEngine;
  readonly #self: number;
  readonly #signing: SigningKey;
  readonly #agreement: KeyAgreementKey;
  readonly #directory: ReadonlyMap<number, ServerIdentity>;
  readonly #pair = new Map<number, AeadKey>();
  readonly #verified = new Map<string, Uint8Array>();

  constructor(
    engine: CryptoEngine,
    self: number,
    signing: SigningKey,
    agreement: KeyAgreementKey,
    directory: ReadonlyMap<number, ServerIdentity>,
  ) {
    this.#engine = engine;
    this.#self = self;
    this.#signing = signing;
    this.#agreement = agreement;
    this.#directory = directory;
  }

  #pairKey(peer: number): AeadKey | null {
    let k = this.#pair.get(peer);
    if (k !== undefined) return k;
    const id = this.#directory.get(peer);
    if (id === undefined) return null;
    const shared = this.#agreement.deriveShared(id.agreement);
    const info = Uint8Array.of(Math.min(peer, this.#self), Math.max(peer, this.#self));
    const key = this.#engine.hkdf('sha256', shared, salt, info, 32);
    k = this.#engine.aead('chacha20-poly1305', key);
    wipe(shared, key);
    this.#pair.set(peer, k);
    return k;
  }

  static #nonce(exchange: number, round: number, from: number, to: number): Uint8Array {
    const n = new Uint8Array(12);
    const v = new DataView(n.buffer);
    v.setUint32(0, exchange);
    n[4] = round;
    n[5] = from;
    n[6] = to;
    return n;
  }

  /** The signed frame of an envelope this server built. */
  seal(env: Envelope): Uint8Array {
    const w = new Writer().u32(env.exchange).u8(env.round).u8(env.from).u8(env.messages.length);
    for (const o of env.messages) {
      const plain = encodeMessage(o.msg);
      if (o.to === undefined) w.u8(0).bytes16(plain);
      else {
        const key = this.#pairKey(o.to);
        if (key === null) continue;
        const nonce = BroadcastChannel.#nonce(env.exchange, env.round, env.from, o.to);
        w.u8(o.to).bytes16(key.seal(nonce, plain, nonce));
      }
      wipe(plain);
    }
    const body = w.done();
    const sig = this.#signing.sign(body);
    const frame = new Uint8Array(body.length + sig.length);
    frame.set(body);
    frame.set(sig, body.length);
    return frame;
  }

  /** The envelope in a frame, with what is for this server; null (counted) if it is not acceptable. */
  open(frame: Uint8Array): Envelope | null {
    if (frame.length < 7 + 64) return this.#drop('malformed');
    const body = frame.subarray(0, frame.length - 64);
    const r = new Reader(body);
    let exchange: number, round: number, from: number, count: number;
    try {
      exchange = r.u32();
      round = r.u8();
      from = r.u8();
      count = r.u8();
    } catch {
      return this.#drop('malformed');
    }
    const id = this.#directory.get(from);
    if (id === undefined || from === this.#self) return this.#drop('unknown-sender');
    // Retransmissions are byte-identical (Ed25519 is deterministic): a frame verified before
    // is not verified again, so a peer's retransmissions cost a comparison, not a verification.
    const sig = frame.subarray(frame.length - 64);
    const sigKey = Buffer.from(sig).toString('base64');
    const known = this.#verified.get(sigKey);
    if (known === undefined || !constantTimeEqual(known, frame)) {
      if (!this.#engine.verify('ed25519', id.signature, body, sig))
        return this.#drop('bad-signature');
      if (this.#verified.size >= verifiedLimit) this.#verified.clear();
      this.#verified.set(sigKey, Uint8Array.from(frame));
    }
    const messages: Outgoing<RoundMessage>[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const to = r.u8();
        const bytes = r.bytes16();
        if (to !== 0 && to !== this.#self) continue;
        let plain = bytes;
        if (to !== 0) {
          const nonce = BroadcastChannel.#nonce(exchange, round, from, to);
          const opened = this.#pairKey(from)?.open(nonce, bytes, nonce) ?? null;
          if (opened === null) return this.#drop('not-sealed-for-me');
          plain = opened;
        }
        const m = decodeMessage(plain);
        if (to !== 0) wipe(plain);
        // The inner sender must be the frame's (signed) sender.
        if (m === null || m.from !== from) return this.#drop('bad-message');
        messages.push(to === 0 ? { msg: m } : { to, msg: m });
      }
    } catch {
      return this.#drop('malformed');
    }
    if (r.left !== 0) return this.#drop('malformed');
    return { exchange, round, from, messages };
  }

  #drop(reason: DropReason): null {
    this.drops[reason]++;
    return null;
  }

  close(): void {
    this.#verified.clear();
    for (const k of this.#pair.values()) k.destroy();
    this.#pair.clear();
    this.#signing.destroy();
    this.#agreement.destroy();
  }
}
