import type { Adaptor } from './adaptor.js';
import { ConduitBase, type Conduit } from './conduit.js';
import { WiringError } from './errors.js';
import type { Message } from './message.js';
import type { Mux } from './mux.js';
import { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Session } from './session.js';
import type { Timer } from './timer-heap.js';
import type { Visitor } from './visitor.js';

export interface FactoryOptions {
  /** At most this many conduits installed in the mux at once; further new keys are dropped (a flood of new keys must not exhaust memory). @default 65536 */
  readonly limit?: number;
  /** Ask the layer above whether a new conversation may start (ISAKMP's factory does). @default admit all */
  readonly admit?: (msg: Message) => boolean;
  /**
   * A conversation no message reached (from the mux's side A) for this long is removed and
   * closed; it goes after one to two timeouts (one sweep per timeout). 0 keeps conversations
   * until removed. @default 300000 (5 minutes)
   */
  readonly idleTimeout?: number;
  /**
   * Hold new conversations half-open, at most this many at once, until they authenticate
   * (`session.admitted()` or `mux.admit(key)`): a new key beyond the bound, or at `limit`,
   * evicts the oldest half-open conversation (counted `factory-evicted-half-open`, with a
   * security alert) instead of being refused. @default none (every new conversation is established at once)
   */
  readonly halfOpen?: number;
}

/**
 * Sits on a mux's side B[0] (§3.2, Prototype): for a message with a key nobody serves, it
 * clones its prototype, and sends an Install visitor back to the mux, which connects the
 * clone under the message's key and routes the message to it.
 */
export class ConduitFactory extends ConduitBase {
  readonly kind = 'factory';
  readonly a: Port = new Port(this, 'A');
  readonly #install = new Install();
  #created = 0;
  #sweeper: Timer | null = null;

  constructor(
    name: string,
    readonly prototype: Conduit,
    readonly options: FactoryOptions = {},
  ) {
    super(name);
  }

  ports(): readonly Port[] {
    return [this.a];
  }

  /** Conduits created so far. */
  get created(): number {
    return this.#created;
  }

  clone(): Conduit {
    return new ConduitFactory(this.name, this.prototype, this.options);
  }

  protected visit(visitor: Visitor, from: Port): void {
    visitor.atFactory(this, from);
  }

  create(msg: Message, _from: Port): void {
    if (this.options.admit && !this.options.admit(msg)) {
      this.drop(msg, 'factory-refused');
      return;
    }
    const clone = this.prototype.clone();
    this.graph.adopt(clone, this.parent);
    this.#created++;
    this.#install.load(clone, msg, this.options.limit ?? 65536, this);
    this.sendVia(this.a, this.#install);
  }

  /** Start the idle sweep of `mux` (once, when the first conversation is installed); housekeeping, so unref'd. */
  watch(mux: Mux<unknown>): void {
    const idle = this.options.idleTimeout ?? 300_000;
    if (this.#sweeper !== null || !(idle > 0)) return;
    const scheduler = this.graph.scheduler;
    this.#sweeper = scheduler.unref(scheduler.every(idle, () => mux.sweepIdle()));
  }
}

/** The control visitor a factory sends back to its mux: "serve this message's key with this conduit". */
class Install implements Visitor {
  readonly name = 'install';
  #conduit: Conduit | null = null;
  #msg: Message | null = null;
  #limit = 0;
  #factory: ConduitFactory | null = null;

  load(conduit: Conduit, msg: Message, limit: number, factory: ConduitFactory): void {
    this.#conduit = conduit;
    this.#msg = msg;
    this.#limit = limit;
    this.#factory = factory;
  }

  atMux(mux: Mux<unknown>, from: Port): void {
    const conduit = this.#conduit as Conduit;
    const msg = this.#msg as Message;
    this.#conduit = null;
    this.#msg = null;
    if (from !== mux.b)
      throw new WiringError(mux.name, 'an Install visitor must come from side B[0]');
    const key = mux.accessor.key(msg);
    const factory = this.#factory as ConduitFactory;
    const halfOpen = factory.options.halfOpen;
    if (key !== undefined && halfOpen !== undefined) {
      // New keys push out the oldest unauthenticated ones, never the established.
      while (mux.halfOpen > 0 && (mux.halfOpen >= halfOpen || mux.size >= this.#limit))
        mux.evictOldestHalfOpen();
    }
    if (key === undefined || mux.size >= this.#limit) {
      mux.graph.retire(conduit);
      if (key === undefined) mux.drop(msg, 'no-demux-key');
      else mux.drop(msg, 'factory-limit', true);
      return;
    }
    mux.installFromFactory(key, conduit, halfOpen !== undefined);
    factory.watch(mux);
    mux.route(msg, mux.a);
  }

  atSession(s: Session<unknown>): void {
    this.#misplaced(s.name);
  }
  atFactory(f: ConduitFactory): void {
    this.#misplaced(f.name);
  }
  atAdaptor(a: Adaptor): void {
    this.#misplaced(a.name);
  }
  atProtocol(p: Protocol): void {
    this.#misplaced(p.name);
  }
  dropped(): void {
    this.#msg?.release();
    this.#msg = null;
    this.#conduit = null;
  }

  #misplaced(at: string): never {
    throw new WiringError(
      this.#factory?.name ?? 'factory',
      `side A must connect to a mux's side B[0], not to ${at}`,
    );
  }
}
