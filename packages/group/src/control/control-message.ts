/**
 * Control messages between the leader and one member (and the leader's signed multicasts).
 *
 *   type(1) | group(8) | from(4) | to(4) | exchange(4) | step(1) | sealed(1) | body
 *
 * `exchange` and `step` are what a TaskHost reads (for one-way leader messages `exchange` is
 * the leader's per-member sequence number). A sealed body is nonce(12) ‖ AEAD under the
 * direction's control key; in the bound format (the repaired group) the whole header is the
 * associated data, so a message cannot be moved to another type, group, member, exchange or
 * step. Decoding never throws: malformed bytes give null.
 */
import type { AeadKey } from '@conduits/crypto';

export const Ctl = {
  hello: 1,
  challenge: 2,
  proof: 3,
  welcome: 4,
  joined: 5,
  denied: 6,
  leave: 8,
  leaveAck: 9,
  expelRequest: 10,
  expelAck: 11,
  close: 12,
  rekey: 13,
  rekeyAck: 24,
  members: 14,
  heartbeat: 15,
  heartbeatAck: 16,
  keyRequest: 17,
  keyReply: 18,
  leaderHeartbeat: 19,
  gossip: 22,
  gossipForward: 23,
  ttpRequest: 30,
  ttpReply: 31,
} as const;

const CTL_HEADER = 23;
const NONCE = 12;

export interface ControlMessage {
  readonly type: number;
  readonly group: Uint8Array;
  readonly from: number;
  readonly to: number;
  readonly exchange: number;
  readonly step: number;
  readonly sealed: boolean;
  /** The body as sent (sealed: nonce ‖ ciphertext). */
  readonly body: Uint8Array;
  /** The whole message (its header is the AAD of a bound sealed body). */
  readonly bytes: Uint8Array;
}

/** What a task builds; the wire encodes (and seals) it once, so a retransmission sends the same bytes. */
export class OutMessage {
  type = 0;
  step = 0;
  body: Uint8Array = new Uint8Array(0);
  /** Seal the body under the direction's control key. */
  seal = false;
  /** Clear bytes after the (sealed) body: Antigone's S_SL and its K_g MAC in the published new-member key message. */
  trailer: Uint8Array | null = null;
  /** Set by the wire when first sent. */
  bytes: Uint8Array | null = null;

  constructor(readonly exchange: number) {}

  set(type: number, step: number, body: Uint8Array, seal: boolean): void {
    this.type = type;
    this.step = step;
    this.body = body;
    this.seal = seal;
  }

  wipe(): void {
    this.body.fill(0);
  }
}

export function encodeHeader(
  type: number,
  group: Uint8Array,
  from: number,
  to: number,
  exchange: number,
  step: number,
  sealed: boolean,
): Uint8Array {
  const h = new Uint8Array(CTL_HEADER);
  const v = new DataView(h.buffer);
  h[0] = type;
  h.set(group, 1);
  v.setUint32(9, from >>> 0);
  v.setUint32(13, to >>> 0);
  v.setUint32(17, exchange >>> 0);
  h[21] = step;
  h[22] = sealed ? 1 : 0;
  return h;
}

export function decodeControl(bytes: Uint8Array): ControlMessage | null {
  if (bytes.length < CTL_HEADER) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sealed = bytes[22];
  if (sealed !== 0 && sealed !== 1) return null;
  if (sealed === 1 && bytes.length < CTL_HEADER + NONCE + 16) return null;
  return {
    type: bytes[0] as number,
    group: bytes.subarray(1, 9),
    from: v.getUint32(9),
    to: v.getUint32(13),
    exchange: v.getUint32(17),
    step: bytes[21] as number,
    sealed: sealed === 1,
    body: bytes.subarray(CTL_HEADER),
    bytes,
  };
}

/**
 * Seals and opens control bodies for one direction: nonces count up (unique per key), the
 * header is bound when `bound`.
 */
export class ControlSealer {
  #counter = 0;

  constructor(
    private readonly key: AeadKey,
    private readonly bound: boolean,
  ) {}

  seal(header: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const nonce = new Uint8Array(NONCE);
    const c = this.#counter++;
    new DataView(nonce.buffer).setUint32(4, Math.floor(c / 2 ** 32));
    new DataView(nonce.buffer).setUint32(8, c >>> 0);
    const ct = this.key.seal(nonce, plaintext, this.bound ? header : undefined);
    const out = new Uint8Array(header.length + NONCE + ct.length);
    out.set(header, 0);
    out.set(nonce, header.length);
    out.set(ct, header.length + NONCE);
    return out;
  }

  /** The plaintext of a sealed message, or null. */
  open(m: ControlMessage): Uint8Array | null {
    if (!m.sealed) return null;
    return this.key.open(
      m.body.subarray(0, NONCE),
      m.body.subarray(NONCE),
      this.bound ? m.bytes.subarray(0, CTL_HEADER) : undefined,
    );
  }

  destroy(): void {
    this.key.destroy();
  }
}
