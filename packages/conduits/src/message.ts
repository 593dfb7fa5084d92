import type { Adaptor } from './adaptor.js';
import { AttributeTable } from './attribute-table.js';
import type { AttrKey } from './attributes.js';
import type { ConduitFactory } from './conduit-factory.js';
import { ReleasedMessageError } from './errors.js';
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
 * Ownership: whoever holds a message owns it; `send` hands it on; the conduit where its
 * journey ends (an adaptor that delivered it, a session that consumed or dropped it) calls
 * `release()`. Releasing twice is harmless; using a released message is an error.
 */
export class Message implements Visitor {
  readonly name = 'message';
  readonly buffer: PacketBuffer;
  readonly attrs = new AttributeTable();
  messenger: Messenger = Deliver;
  #pool: MessagePool | null;
  #released = false;

  constructor(pool: MessagePool | null = null, capacity = 2048, headroom = 128) {
    this.#pool = pool;
    this.buffer = new PacketBuffer(capacity, headroom);
  }

  get released(): boolean {
    return this.#released;
  }

  get<T>(key: AttrKey<T>): T | undefined {
    return this.attrs.get(key);
  }

  set<T>(key: AttrKey<T>, value: T): this {
    this.attrs.set(key, value);
    return this;
  }

  /** Throws if this message has gone back to its pool: catches use-after-release in tests. */
  check(): this {
    if (this.#released) throw new ReleasedMessageError();
    return this;
  }

  atSession(session: Session<unknown>, from: Port): void {
    session.apply(this, from);
  }
  atMux(mux: Mux<unknown>, from: Port): void {
    mux.route(this, from);
  }
  atFactory(factory: ConduitFactory, from: Port): void {
    factory.create(this, from);
  }
  atAdaptor(adaptor: Adaptor, from: Port): void {
    adaptor.deliver(this, from);
  }
  atProtocol(_protocol: Protocol, _from: Port): void {
    // Protocols delegate their sides; a message never stops at one.
  }
  dropped(): void {
    this.release();
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.attrs.clear();
    this.messenger = Deliver;
    this.buffer.reset();
    this.#pool?.put(this);
  }

  /** Called by the pool when it hands this carrier out again. */
  revive(): void {
    this.#released = false;
  }
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
