import type { Adaptor } from './adaptor.js';
import { AttributeTable } from './attribute-table.js';
import type { AttrKey } from './attributes.js';
import type { ConduitFactory } from './conduit-factory.js';
import { carrierLedger } from './carrier-checks.js';
import type { Conduit } from './conduit.js';
import { DoubleReleaseError, ReleasedMessageError } from './errors.js';
import { Deliver, type Messenger } from './messenger.js';
import type { Mux } from './mux.js';
import { PacketBuffer } from './packet-buffer.js';
import type { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Session } from './session.js';
import type { Visitor } from './visitor.js';

/**
 * The message carrier (§3.3): a packet buffer, attributes and a Messenger. The same carrier
 * travels from conduit to conduit until it is consumed or delayed.
 *
 * Ownership, one rule: whoever holds a message owns it; `send` hands it on, and the sender
 * must not touch it afterwards; the conduit where its journey ends (an adaptor that
 * delivered it, a session that consumed or dropped it) calls `release()`, exactly once.
 * Releasing twice throws `DoubleReleaseError`: after the first release the pool may already
 * have handed the carrier to a new owner, whom a second release would rob. Each life of a
 * carrier has a generation; with carrier checks on (the test suite; see carrier-checks.ts)
 * each generation is its own object, and a stale one throws on any use, so a use after
 * release or a stale release fails at the line that does it.
 */
export class Message implements Visitor {
  readonly name = 'message';
  readonly buffer: PacketBuffer;
  readonly attrs: AttributeTable;
  messenger: Messenger = Deliver;
  /**
   * The serial of the session or adaptor this message was last handed to (0: not yet sent).
   * When a handler throws, the graph releases the message only if that handler's conduit
   * still holds it: one that was already sent on belongs to someone else. Muxes and
   * factories are not recorded: they keep nothing and hand a message on as their last act,
   * so one that throws still holds it.
   */
  heldBy = 0;
  #pool: MessagePool | null;
  #released = false;
  #generation = 0;

  constructor(pool: MessagePool | null = null, capacity = 2048, headroom = 128) {
    this.#pool = pool;
    this.buffer = new PacketBuffer(capacity, headroom);
    this.attrs = new AttributeTable();
    if (carrierLedger.on) carrierLedger.live.add(this);
  }

  get released(): boolean {
    return this.#released;
  }

  /** Which life of its carrier this is: incremented by every release. */
  get generation(): number {
    return this.#generation;
  }

  get<T>(key: AttrKey<T>): T | undefined {
    return this.attrs.get(key);
  }

  set<T>(key: AttrKey<T>, value: T): this {
    this.attrs.set(key, value);
    return this;
  }

  /** Throws if this message has gone back to its pool. */
  check(): this {
    if (this.#released) throw new ReleasedMessageError(this.#generation);
    return this;
  }

  atSession(session: Session<unknown>, from: Port): void {
    this.heldBy = session.serial;
    session.apply(this, from);
  }
  atMux(mux: Mux<unknown>, from: Port): void {
    mux.route(this, from);
  }
  atFactory(factory: ConduitFactory, from: Port): void {
    factory.create(this, from);
  }
  atAdaptor(adaptor: Adaptor, from: Port): void {
    this.heldBy = adaptor.serial;
    adaptor.deliver(this, from);
  }
  atProtocol(_protocol: Protocol, _from: Port): void {
    // Protocols delegate their sides; a message never stops at one.
  }

  /**
   * A handler at `at` threw while this message was there (or the graph could not hand it to
   * its first conduit). Release it if `at` still owns it: not when the handler released it
   * or sent it on before throwing.
   */
  dropped(at?: Conduit): void {
    if (this.#released) return;
    if (
      at !== undefined &&
      (at.kind === 'session' || at.kind === 'adaptor') &&
      this.heldBy !== 0 &&
      this.heldBy !== at.serial
    )
      return;
    this.release();
  }

  release(): void {
    if (this.#released) throw new DoubleReleaseError(this.#generation);
    this.#released = true;
    this.heldBy = 0;
    this.attrs.clear();
    this.messenger = Deliver;
    this.buffer.reset();
    if (carrierLedger.on) this.#retire();
    else {
      this.#generation++;
      this.#pool?.put(this);
    }
  }

  /** Called by the pool when it hands this carrier out again. */
  revive(): void {
    this.#released = false;
    if (carrierLedger.on) carrierLedger.live.add(this);
  }

  /** Where this message is and what it holds, for leak reports. */
  describe(): string {
    const c = carrierLedger.conduits.get(this.heldBy)?.deref();
    const at =
      this.heldBy === 0
        ? 'not yet sent'
        : c === undefined
          ? `at conduit #${this.heldBy}`
          : `at ${c.kind} ${c.name}`;
    return `${at}, ${this.buffer.length} bytes, messenger ${this.messenger.name}, generation ${this.#generation}`;
  }

  /**
   * Carrier checks: hand the buffer and attributes to a new Message, the carrier's next
   * generation, and leave this one dead, so no stale reference reaches the next owner.
   */
  #retire(): void {
    carrierLedger.live.delete(this);
    if (this.#pool !== null) {
      const next = new Message(this.#pool, 0, this.buffer.headroom);
      carrierLedger.live.delete(next);
      (next as { buffer: PacketBuffer }).buffer = this.buffer;
      (next as { attrs: AttributeTable }).attrs = this.attrs;
      next.#generation = this.#generation + 1;
      next.#released = true;
      this.#pool.put(next);
    }
    (this as { buffer: PacketBuffer }).buffer = deadObject<PacketBuffer>(this.#generation);
    (this as { attrs: AttributeTable }).attrs = deadObject<AttributeTable>(this.#generation);
  }
}

/** Stands in for a dead message's buffer and attributes: every use throws. */
function deadObject<T extends object>(generation: number): T {
  const fail = (): never => {
    throw new ReleasedMessageError(generation);
  };
  return new Proxy({} as T, {
    get: fail,
    set: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    defineProperty: fail,
    deleteProperty: fail,
  });
}

/**
 * Recycles carriers and their buffers (§4.1, memory management): after warm-up, acquiring
 * and releasing allocates nothing.
 */
export class MessagePool {
  #free: Message[] = [];
  #created = 0;

  constructor(
    readonly capacity = 2048,
    readonly headroom = 128,
    readonly maxFree = 4096,
  ) {}

  /** An empty message, its buffer positioned at the headroom. */
  acquire(): Message {
    const m = this.#free.pop();
    if (m !== undefined) {
      m.revive();
      return m;
    }
    this.#created++;
    return new Message(this, this.capacity, this.headroom);
  }

  /** A message holding a copy of `data`. */
  from(data: Uint8Array): Message {
    const m = this.acquire();
    m.buffer.set(data);
    return m;
  }

  put(m: Message): void {
    if (this.#free.length < this.maxFree) this.#free.push(m);
  }

  /** Carriers ever created; in a steady state this stops growing. */
  get created(): number {
    return this.#created;
  }

  get idle(): number {
    return this.#free.length;
  }
}

/** The pool used when none is given. */
export const defaultPool = new MessagePool();
