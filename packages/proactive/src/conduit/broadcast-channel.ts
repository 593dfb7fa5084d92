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
import type { RoundMessage } from './codec.js';
import { Reader, Writer } from './codec.js';
import { decodePlainFrame, encodePlainFrame } from './frame-coder.js';

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
  /** Why the last refused frame was dropped. */
  lastDrop: DropReason | null = null;
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

  /** The signed frame of an envelope this server built (the Coder's plain frame, then `sealFrame`). */
  seal(env: Envelope): Uint8Array {
    const plain = encodePlainFrame(env);
    try {
      return this.sealFrame(plain);
    } finally {
      wipe(plain);
    }
  }

  /** The envelope in a frame, with what is for this server; null (counted) if it is not acceptable. */
  open(frame: Uint8Array): Envelope | null {
    const plain = this.openFrame(frame);
    if (plain === null) return null;
    const env = decodePlainFrame(plain);
    wipe(plain);
    if (typeof env === 'string') return this.#drop(env);
    return env;
  }

  /**
   * The Cipher's half of `seal`: a plain frame (exchange ‖ round ‖ from ‖ count ‖ entries, as
   * the Coder writes it) with its private entries sealed for their receivers and the whole
   * signed. The plain frame is the caller's (to wipe).
   */
  sealFrame(plain: Uint8Array): Uint8Array {
    const r = new Reader(plain);
    const exchange = r.u32();
    const round = r.u8();
    const from = r.u8();
    const count = r.u8();
    const w = new Writer().u32(exchange).u8(round).u8(from);
    const entries: { to: number; bytes: Uint8Array }[] = [];
    for (let i = 0; i < count; i++) {
      const to = r.u8();
      const bytes = r.bytes16();
      if (to === 0) entries.push({ to, bytes });
      else {
        const key = this.#pairKey(to);
        if (key !== null) {
          const nonce = BroadcastChannel.#nonce(exchange, round, from, to);
          entries.push({ to, bytes: key.seal(nonce, bytes, nonce) });
        }
        wipe(bytes);
      }
    }
    w.u8(entries.length);
    for (const e of entries) w.u8(e.to).bytes16(e.bytes);
    const body = w.done();
    const sig = this.#signing.sign(body);
    const frame = new Uint8Array(body.length + sig.length);
    frame.set(body);
    frame.set(sig, body.length);
    return frame;
  }

  /**
   * The Cipher's half of `open`: the signature checked, private entries for other servers
   * left out and this server's opened; the plain frame (the caller wipes it), or null (counted).
   */
  openFrame(frame: Uint8Array): Uint8Array | null {
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
    const entries: { to: number; bytes: Uint8Array }[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const to = r.u8();
        const bytes = r.bytes16();
        if (to !== 0 && to !== this.#self) continue;
        if (to === 0) {
          entries.push({ to, bytes });
          continue;
        }
        const nonce = BroadcastChannel.#nonce(exchange, round, from, to);
        const opened = this.#pairKey(from)?.open(nonce, bytes, nonce) ?? null;
        if (opened === null) {
          for (const e of entries) if (e.to !== 0) wipe(e.bytes);
          return this.#drop('not-sealed-for-me');
        }
        entries.push({ to, bytes: opened });
      }
    } catch {
      for (const e of entries) if (e.to !== 0) wipe(e.bytes);
      return this.#drop('malformed');
    }
    if (r.left !== 0) {
      for (const e of entries) if (e.to !== 0) wipe(e.bytes);
      return this.#drop('malformed');
    }
    const w = new Writer().u32(exchange).u8(round).u8(from).u8(entries.length);
    for (const e of entries) {
      w.u8(e.to).bytes16(e.bytes);
      if (e.to !== 0) wipe(e.bytes);
    }
    return w.done();
  }

  /** Count a drop by a layer above (the Coder: a frame whose messages do not decode). */
  countDrop(reason: DropReason): void {
    this.drops[reason]++;
    this.lastDrop = reason;
  }

  #drop(reason: DropReason): null {
    this.drops[reason]++;
    this.lastDrop = reason;
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
