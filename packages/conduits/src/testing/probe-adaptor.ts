import { Adaptor } from '../adaptor.js';
import type { Conduit } from '../conduit.js';
import { defaultPool, type Message, type MessagePool } from '../message.js';
import type { Port } from '../port.js';

/** What a probe saw leave the graph. */
export interface Captured {
  readonly time: number;
  readonly data: Uint8Array;
  readonly messenger: string;
  readonly attributes: ReadonlyMap<string, unknown>;
}

/** An adaptor for tests: `write` bytes in, and read back copies of what came out. */
export class ProbeAdaptor extends Adaptor {
  readonly received: Captured[] = [];
  readonly #pool: MessagePool;

  constructor(name: string, pool: MessagePool = defaultPool) {
    super(name);
    this.#pool = pool;
  }

  clone(): Conduit {
    return new ProbeAdaptor(this.name, this.#pool);
  }

  write(data: Uint8Array, prepare?: (msg: Message) => void): void {
    const m = this.#pool.from(data);
    prepare?.(m);
    this.inject(m);
  }

  /** Take everything received so far. */
  take(): Captured[] {
    return this.received.splice(0, this.received.length);
  }

  deliver(msg: Message, _from: Port): void {
    const attributes = new Map<string, unknown>();
    msg.attrs.forEach((k, v) => attributes.set(k.name, v));
    this.received.push({
      time: this.graph.scheduler.now(),
      data: msg.buffer.copy(),
      messenger: msg.messenger.name,
      attributes,
    });
    msg.release();
  }
}
