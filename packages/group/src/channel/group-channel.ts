/**
 * A member's end of the n-party data channel: seals its own frames (counting its sequence
 * number up), opens frames the leader relays from others. Every check a frame must pass, in
 * order, each refusal counted by reason (security events alerted):
 *
 *   hop tag (the leader relayed it) → group → not our own (reflection) → epoch key held →
 *   replay window of that sender → AEAD over the header → mark the sequence number seen.
 *
 * The published policy skips what the published protocols lack (see ChannelPolicy).
 */
import { type CryptoEngine, type MacKey } from '@conduits/crypto';
import { boundChannel, type ChannelPolicy } from './channel-policy.js';
import { EpochKeys } from './epoch-keys.js';
import {
  FrameType,
  HEADER,
  HOP_TAG,
  NONCE,
  TAG,
  nonceOf,
  readHeader,
  sameGroup,
  writeHeader,
  type FrameHeader,
} from './frame.js';
import { Refusals } from './refusals.js';
import { ReplayWindow } from './replay-window.js';

export interface Delivered {
  readonly sender: number;
  readonly seq: number;
  readonly epoch: number;
  readonly data: Uint8Array;
}

export class GroupChannel {
  readonly keys: EpochKeys;
  readonly refusals: Refusals;
  readonly #engine: CryptoEngine;
  readonly #group: Uint8Array;
  readonly #policy: ChannelPolicy;
  readonly #windows = new Map<number, ReplayWindow>();
  readonly #nonce = new Uint8Array(NONCE);
  readonly #header: FrameHeader = { type: 0, epoch: 0, sender: 0, seq: 0 };
  #up: MacKey | null = null;
  #down: MacKey | null = null;
  #seq = 0;

  constructor(
    engine: CryptoEngine,
    group: Uint8Array,
    /** Our member id (frames we send carry it; frames claiming it are reflections). */
    public self: number,
    policy: ChannelPolicy = boundChannel,
    refusals: Refusals = new Refusals(),
  ) {
    this.#engine = engine;
    this.#group = Uint8Array.from(group);
    this.#policy = policy;
    // The published protocols use K_g as it is, in any session; the bound channel ties the data key to this group.
    this.keys = new EpochKeys(engine, policy.bound ? this.#group : new Uint8Array(0));
    this.refusals = refusals;
  }

  /** The link keys shared with the leader (derived from K_a; see linkKeys). */
  setLinkKeys(up: MacKey, down: MacKey): void {
    this.#up?.destroy();
    this.#down?.destroy();
    this.#up = up;
    this.#down = down;
  }

  /** Our next sequence number. */
  get seq(): number {
    return this.#seq;
  }

  /** Seal `data` under the current epoch. */
  seal(data: Uint8Array): Uint8Array {
    const epoch = this.keys.epoch;
    const key = this.keys.key(epoch);
    if (key === null) throw new RangeError('no group key yet');
    const seq = this.#seq++;
    const p = this.#policy;
    if (!p.bound) {
      const frame = new Uint8Array(HEADER + NONCE + data.length + TAG);
      writeHeader(frame, FrameType.published, this.#group, epoch, this.self, seq);
      const nonce = this.#engine.randomBytes(NONCE);
      frame.set(nonce, HEADER);
      frame.set(key.seal(nonce, data), HEADER + NONCE);
      return frame;
    }
    const frame = new Uint8Array(HEADER + data.length + TAG + (p.hop ? HOP_TAG : 0));
    writeHeader(frame, FrameType.bound, this.#group, epoch, this.self, seq);
    frame.set(
      key.seal(nonceOf(this.self, seq, this.#nonce), data, frame.subarray(0, HEADER)),
      HEADER,
    );
    if (p.hop) {
      if (this.#up === null) throw new RangeError('no link key yet');
      frame.set(
        this.#up.compute(frame.subarray(0, frame.length - HOP_TAG)),
        frame.length - HOP_TAG,
      );
    }
    return frame;
  }

  /** Open a frame relayed by the leader; null if refused (counted in `refusals`). */
  open(frame: Uint8Array): Delivered | null {
    const p = this.#policy;
    const r = this.refusals;
    const h = readHeader(frame, this.#header);
    if (h === null) return r.refuse('malformed');
    if (h.type !== (p.bound ? FrameType.bound : FrameType.published)) return r.refuse('malformed');
    let body = frame;
    if (p.hop) {
      if (this.#down === null || frame.length < HEADER + TAG + HOP_TAG)
        return r.refuse('hop-tag-invalid', 'no link key');
      body = frame.subarray(0, frame.length - HOP_TAG);
      if (!this.#down.verify(frame.subarray(frame.length - HOP_TAG), body))
        return r.refuse('hop-tag-invalid', `claimed sender ${h.sender}`);
    }
    if (!sameGroup(body, this.#group)) return r.refuse('wrong-group');
    if (p.bound && h.sender === this.self) return r.refuse('reflected', `seq ${h.seq}`);
    const key = this.keys.key(h.epoch);
    if (key === null)
      return r.refuse(
        h.epoch > this.keys.epoch ? 'future-epoch' : 'stale-epoch',
        `epoch ${h.epoch}`,
      );
    let win: ReplayWindow | undefined;
    if (p.replay) {
      win = this.#windows.get(h.sender);
      if (win === undefined) this.#windows.set(h.sender, (win = new ReplayWindow(p.window ?? 128)));
      const v = win.check(h.seq);
      if (v !== 'fresh') return r.refuse(v, `sender ${h.sender} seq ${h.seq}`);
    }
    const data = p.bound
      ? key.open(
          nonceOf(h.sender, h.seq, this.#nonce),
          body.subarray(HEADER),
          body.subarray(0, HEADER),
        )
      : body.length < HEADER + NONCE + TAG
        ? null
        : key.open(body.subarray(HEADER, HEADER + NONCE), body.subarray(HEADER + NONCE));
    if (data === null) return r.refuse('aead-failed', `claimed sender ${h.sender}`);
    win?.mark(h.seq);
    return { sender: h.sender, seq: h.seq, epoch: h.epoch, data };
  }

  /**
   * What the keys alone can read (an eavesdropper's view, for forward/backward secrecy checks):
   * the link tag, the reflection and replay checks are skipped; epoch key and AEAD are not.
   */
  decrypt(frame: Uint8Array): Uint8Array | null {
    const p = this.#policy;
    const r = this.refusals;
    const h = readHeader(frame, this.#header);
    if (h === null) return r.refuse('malformed');
    const body = p.hop && p.bound ? frame.subarray(0, frame.length - HOP_TAG) : frame;
    const key = this.keys.key(h.epoch);
    if (key === null)
      return r.refuse(
        h.epoch > this.keys.epoch ? 'future-epoch' : 'stale-epoch',
        `epoch ${h.epoch}`,
      );
    const data = p.bound
      ? key.open(
          nonceOf(h.sender, h.seq, this.#nonce),
          body.subarray(HEADER),
          body.subarray(0, HEADER),
        )
      : key.open(body.subarray(HEADER, HEADER + NONCE), body.subarray(HEADER + NONCE));
    return data ?? r.refuse('aead-failed', `claimed sender ${h.sender}`);
  }

  /** Forget every key (leave, expel, close). */
  destroy(): void {
    this.keys.destroy();
    this.#up?.destroy();
    this.#down?.destroy();
    this.#up = this.#down = null;
  }
}
