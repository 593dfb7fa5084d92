/**
 * A simulated point-to-point link between two interfaces, on the scheduler's virtual clock.
 * Every random choice (loss, duplication, jitter, reordering) comes from the network's
 * seeded generator, so a run replays exactly from its seed.
 */
import {
  Adaptor,
  defaultPool,
  type Conduit,
  type Message,
  type MessagePool,
  type Port,
  type SeededRandom,
  type Scheduler,
} from '@conduits/core';
import type { Adversary, Direction } from './adversary.js';
import type { PcapWriter } from './pcap-writer.js';

export interface LinkParams {
  /** One-way propagation delay, ms. @default 1 */
  readonly delay?: number;
  /** Extra uniform random delay in [0, jitter) ms. @default 0 */
  readonly jitter?: number;
  /** Bits per second; packets queue behind each other. @default Infinity */
  readonly bandwidth?: number;
  /** Largest packet carried; bigger ones are dropped. @default 1500 */
  readonly mtu?: number;
  /** Probability a packet is lost. @default 0 */
  readonly loss?: number;
  /** Probability a packet is delivered twice. @default 0 */
  readonly duplicate?: number;
  /** Probability a packet is held back by up to `reorderDelay` ms. @default 0 */
  readonly reorder?: number;
  /** @default 10 */
  readonly reorderDelay?: number;
}

/** What happened to a packet on the link, for traces. */
export interface LinkEvent {
  readonly time: number;
  readonly kind: 'sent' | 'lost' | 'duplicated' | 'delivered' | 'too-big' | 'partitioned';
  readonly direction: Direction;
  readonly data: Uint8Array;
}

export interface LinkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  tooBig: number;
  partitioned: number;
}

/** One end of a link: the adaptor a host graph sits on. */
export class Interface extends Adaptor {
  link: Link | null = null;
  readonly pool: MessagePool;

  constructor(name: string, pool: MessagePool = defaultPool) {
    super(name);
    this.pool = pool;
  }

  clone(): Conduit {
    return new Interface(this.name, this.pool);
  }

  deliver(msg: Message, _from: Port): void {
    if (this.link === null) return this.drop(msg, 'interface-down');
    this.link.transmit(this, msg.buffer.subarray());
    msg.release();
  }

  /** Bytes arrive from the wire. */
  receive(data: Uint8Array): void {
    this.inject(this.pool.from(data));
  }
}

export class Link {
  readonly stats: LinkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    tooBig: 0,
    partitioned: 0,
  };
  up = true;
  adversary: Adversary | null = null;
  readonly captures: PcapWriter[] = [];
  /** Called for every link event when set (demos, traces). */
  onEvent: ((e: LinkEvent) => void) | null = null;
  readonly #busyUntil: Record<Direction, number> = { 'a->b': 0, 'b->a': 0 };

  constructor(
    readonly a: Interface,
    readonly b: Interface,
    readonly params: LinkParams,
    readonly scheduler: Scheduler,
    readonly random: SeededRandom,
  ) {
    a.link = this;
    b.link = this;
  }

  setAdversary(adv: Adversary): void {
    this.adversary = adv;
    adv.attach({
      send: (dir, data, delay) => this.#arrive(dir, data, this.scheduler.now() + delay),
    });
  }

  capture(writer: PcapWriter): void {
    this.captures.push(writer);
  }

  transmit(from: Interface, bytes: Uint8Array): void {
    const dir: Direction = from === this.a ? 'a->b' : 'b->a';
    this.stats.sent++;
    this.#emit('sent', dir, bytes);
    if (!this.up) return void (this.stats.partitioned++, this.#emit('partitioned', dir, bytes));
    if (bytes.length > (this.params.mtu ?? 1500))
      return void (this.stats.tooBig++, this.#emit('too-big', dir, bytes));
    const p = this.params;
    const now = this.scheduler.now();
    // Serialisation: a packet leaves when the previous one has.
    const bw = p.bandwidth ?? Number.POSITIVE_INFINITY;
    const start = Math.max(now, this.#busyUntil[dir]);
    const done = start + (bw === Number.POSITIVE_INFINITY ? 0 : (bytes.length * 8 * 1000) / bw);
    this.#busyUntil[dir] = done;
    let data = bytes;
    let extra = 0;
    if (this.adversary !== null) {
      const v = this.adversary.judge(now, dir, bytes);
      if (v === 'drop') return;
      if (typeof v === 'object' && 'replace' in v) data = v.replace;
      if (typeof v === 'object' && 'delay' in v) extra = v.delay;
    }
    if (this.random.chance(p.loss ?? 0))
      return void (this.stats.lost++, this.#emit('lost', dir, data));
    let at = done + (p.delay ?? 1) + extra + (p.jitter ? this.random.next() * p.jitter : 0);
    if (this.random.chance(p.reorder ?? 0)) {
      this.stats.reordered++;
      at += this.random.next() * (p.reorderDelay ?? 10);
    }
    const copy = Uint8Array.from(data);
    this.#arrive(dir, copy, at);
    if (this.random.chance(p.duplicate ?? 0)) {
      this.stats.duplicated++;
      this.#emit('duplicated', dir, copy);
      this.#arrive(dir, copy, at + this.random.next());
    }
  }

  #emit(kind: LinkEvent['kind'], direction: Direction, data: Uint8Array): void {
    this.onEvent?.({ time: this.scheduler.now(), kind, direction, data });
  }

  #arrive(dir: Direction, data: Uint8Array, at: number): void {
    const to = dir === 'a->b' ? this.b : this.a;
    this.scheduler.at(at, () => {
      if (!this.up) return void this.stats.partitioned++;
      this.stats.delivered++;
      this.#emit('delivered', dir, data);
      for (const c of this.captures) c.add(at, data);
      to.receive(data);
    });
  }
}
