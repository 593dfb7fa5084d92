/**
 * The leader's relay (Enclaves' star over point-to-point links): a member's frame is checked
 * once at the leader, then fanned out through a FanOut conduit to every other member, each
 * copy tagged for its link. Checks, in order, each refusal counted by reason:
 *
 *   hop tag under the link's up key (who sent it) → the header names that member (no insider
 *   passes off another's frame) → this group → an epoch the leader holds → the sender's replay
 *   window.
 *
 * The leader does not open the AEAD: it vouches for the sender it authenticated, members check
 * the rest. With the published policy it forwards what it gets (as Enclaves 2.0 does).
 */
import {
  Adaptor,
  GraphBuilder,
  type Conduit,
  type Graph,
  type Message,
  type Port,
  type Scheduler,
} from '@conduits/core';
import type { MacKey } from '@conduits/crypto';
import type { ChannelPolicy } from './channel-policy.js';
import { FanOut, memberAttr } from './fan-out.js';
import { HEADER, HOP_TAG, TAG, readHeader, sameGroup, type FrameHeader } from './frame.js';
import { Refusals } from './refusals.js';
import { ReplayWindow } from './replay-window.js';

/** Where the relay's frames enter its graph. */
class RelayIn extends Adaptor {
  clone(): Conduit {
    return new RelayIn(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    // Nothing is sent up to the relay's top: a frame from a link that reaches here is dropped.
    msg.release();
  }
}

/** One member's link: what the fan-out sends it leaves the graph here. */
class LinkOut extends Adaptor {
  constructor(
    name: string,
    readonly member: number,
    readonly send: (member: number, frame: Uint8Array) => void,
  ) {
    super(name);
  }
  clone(): Conduit {
    return new LinkOut(this.name, this.member, this.send);
  }
  deliver(msg: Message, _from: Port): void {
    this.send(this.member, msg.buffer.copy());
    msg.release();
  }
}

interface RelayLink {
  readonly up: MacKey;
  readonly down: MacKey;
  readonly window: ReplayWindow;
  readonly out: LinkOut;
}

export class Relay {
  readonly refusals: Refusals;
  readonly graph: Graph;
  readonly fanOut: FanOut;
  readonly #in: RelayIn;
  readonly #links = new Map<number, RelayLink>();
  readonly #header: FrameHeader = { type: 0, epoch: 0, sender: 0, seq: 0 };
  readonly #group: Uint8Array;
  readonly #policy: ChannelPolicy;
  readonly #send: (member: number, frame: Uint8Array) => void;
  /** Epochs whose frames are relayed: the current one and the one before. */
  epoch = -1;
  relayed = 0;

  constructor(
    scheduler: Scheduler,
    group: Uint8Array,
    policy: ChannelPolicy,
    send: (member: number, frame: Uint8Array) => void,
    refusals = new Refusals(),
  ) {
    this.#group = group;
    this.#policy = policy;
    this.#send = send;
    this.refusals = refusals;
    this.fanOut = new FanOut('relay', (copy, member) => this.#retag(copy, member));
    const g = new GraphBuilder('group-relay');
    this.#in = g.add(new RelayIn('relay-in'));
    g.add(this.fanOut);
    g.connect(this.#in.a, this.fanOut.a);
    this.graph = g.build(scheduler);
  }

  get size(): number {
    return this.#links.size;
  }

  add(member: number, up: MacKey, down: MacKey): void {
    this.remove(member);
    const out = new LinkOut(`link-${member}`, member, this.#send);
    this.graph.adopt(out, null);
    this.fanOut.install(member, out);
    this.#links.set(member, {
      up,
      down,
      window: new ReplayWindow(this.#policy.window ?? 128),
      out,
    });
  }

  remove(member: number): void {
    const link = this.#links.get(member);
    if (link === undefined) return;
    this.#links.delete(member);
    this.fanOut.remove(member);
    link.up.destroy();
    link.down.destroy();
  }

  has(member: number): boolean {
    return this.#links.has(member);
  }

  /** A data frame from member `from`'s link. Returns true if it was relayed. */
  accept(from: number, frame: Uint8Array): boolean {
    const link = this.#links.get(from);
    if (link === undefined) return this.#no('unknown-member', `link ${from}`);
    const h = readHeader(frame, this.#header);
    if (h === null) return this.#no('malformed');
    const p = this.#policy;
    if (p.hop) {
      if (frame.length < HEADER + TAG + HOP_TAG) return this.#no('malformed');
      const body = frame.subarray(0, frame.length - HOP_TAG);
      if (!link.up.verify(frame.subarray(frame.length - HOP_TAG), body))
        return this.#no('hop-tag-invalid', `link ${from}`);
      if (h.sender !== from)
        return this.#no('sender-mismatch', `member ${from} claimed ${h.sender}`);
    }
    if (p.bound) {
      if (!sameGroup(frame, this.#group)) return this.#no('wrong-group');
      if (h.epoch !== this.epoch && h.epoch !== this.epoch - 1)
        return this.#no('stale-epoch', `epoch ${h.epoch}`);
    }
    if (p.replay) {
      const v = link.window.check(h.seq);
      if (v !== 'fresh') return this.#no(v, `member ${from} seq ${h.seq}`);
      link.window.mark(h.seq);
    }
    const msg = this.fanOut.pool.from(p.hop ? frame.subarray(0, frame.length - HOP_TAG) : frame);
    msg.set(memberAttr, from);
    this.#in.inject(msg);
    this.relayed++;
    return true;
  }

  #no(reason: string, detail = ''): false {
    this.refusals.refuse(reason, detail);
    return false;
  }

  #retag(copy: Message, member: number): boolean {
    if (!this.#policy.hop) return true;
    const link = this.#links.get(member);
    if (link === undefined) return false;
    const tag = link.down.compute(copy.buffer.subarray());
    copy.buffer.appendBytes(tag);
    return true;
  }

  close(): void {
    for (const m of [...this.#links.keys()]) this.remove(m);
  }
}
