/**
 * A simulated network for groups on the scheduler's virtual clock: endpoints exchange byte
 * strings with a seeded delay, loss and reordering, partitions, and a Dolev-Yao adversary who
 * sees every packet, may drop or replace it, and may inject any bytes with any source address
 * (an outsider, or a former or current member using what it knows).
 */
import { SeededRandom, type Scheduler } from '@conduits/core';

export interface Packet {
  readonly time: number;
  readonly from: number;
  readonly to: number;
  readonly bytes: Uint8Array;
}

export interface NetOptions {
  readonly seed?: number;
  /** ms. @default 5 */
  readonly latency?: number;
  /** Extra delay, uniform in [0, jitter) ms: reorders. @default 0 */
  readonly jitter?: number;
  /** Probability a packet is lost. @default 0 */
  readonly loss?: number;
  /** Keep every packet in `log` (the adversary's recording). @default true */
  readonly record?: boolean;
}

/** What the adversary does with a packet in flight. */
export type Interception = 'pass' | 'drop' | Uint8Array;

export class StarNet {
  readonly log: Packet[] = [];
  readonly stats = { sent: 0, delivered: 0, lost: 0, dropped: 0, injected: 0, bytes: 0 };
  adversary: ((p: Packet) => Interception) | null = null;
  readonly #handlers: ((from: number, bytes: Uint8Array) => void)[] = [];
  readonly #down = new Set<number>();
  readonly #cut = new Set<string>();
  readonly #random: SeededRandom;
  readonly #latency: number;
  readonly #jitter: number;
  readonly #loss: number;
  readonly #record: boolean;

  constructor(
    readonly scheduler: Scheduler,
    options: NetOptions = {},
  ) {
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#latency = options.latency ?? 5;
    this.#jitter = options.jitter ?? 0;
    this.#loss = options.loss ?? 0;
    this.#record = options.record ?? true;
  }

  /** A new endpoint; `handler` gets what arrives for it. */
  attach(handler: (from: number, bytes: Uint8Array) => void): number {
    this.#handlers.push(handler);
    return this.#handlers.length - 1;
  }

  /** The endpoint stops receiving (a crash). */
  crash(endpoint: number): void {
    this.#down.add(endpoint);
  }

  partition(a: number, b: number): void {
    this.#cut.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }

  heal(a: number, b: number): void {
    this.#cut.delete(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }

  send(from: number, to: number, bytes: Uint8Array): void {
    this.stats.sent++;
    this.stats.bytes += bytes.length;
    let b = bytes;
    if (this.adversary !== null) {
      const r = this.adversary({ time: this.scheduler.now(), from, to, bytes });
      if (r === 'drop') {
        this.stats.dropped++;
        return;
      }
      if (r !== 'pass') b = r;
    }
    this.#deliver(from, to, b);
  }

  /** The adversary sends `bytes` to `to`, claiming to come from `from`. */
  inject(from: number, to: number, bytes: Uint8Array): void {
    this.stats.injected++;
    this.#deliver(from, to, bytes);
  }

  #deliver(from: number, to: number, bytes: Uint8Array): void {
    if (this.#record) this.log.push({ time: this.scheduler.now(), from, to, bytes });
    if (
      this.#cut.has(`${Math.min(from, to)}-${Math.max(from, to)}`) ||
      this.#random.chance(this.#loss)
    ) {
      this.stats.lost++;
      return;
    }
    const delay = this.#latency + (this.#jitter > 0 ? this.#random.next() * this.#jitter : 0);
    this.scheduler.after(delay, () => {
      if (this.#down.has(to)) return;
      const h = this.#handlers[to];
      if (h === undefined) return;
      this.stats.delivered++;
      h(from, bytes);
    });
  }
}
