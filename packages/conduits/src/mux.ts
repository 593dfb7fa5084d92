import type { Accessor } from './accessor.js';
import { ConduitBase, type Conduit } from './conduit.js';
import type { Declaration } from './declaration.js';
import type { Graph } from './graph.js';
import { DuplicateKeyError, UnknownKeyError } from './errors.js';
import { IntTable } from './int-table.js';
import type { Message } from './message.js';
import { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Session } from './session.js';
import type { Visitor } from './visitor.js';

/**
 * Multiplexer (§3.2): side A to one neighbour, side B[0] to a ConduitFactory, sides B[1..n]
 * to the conduits it routes to. A message from A goes to the B[i] whose key the Accessor
 * reads from it, or to the factory when no B[i] serves that key; a message from any B[i]
 * goes out through A.
 */
export class Mux<K> extends ConduitBase {
  readonly kind = 'mux';
  readonly a: Port = new Port(this, 'A');
  /** Side B[0], where the factory sits. */
  readonly b: Port = new Port(this, 'B', 0);
  readonly #routes = new Map<K, Port>();
  /** The same routes for integer keys (ports, next headers, SPIs): a demux without a Map call. */
  readonly #byInt = new IntTable<Port>();
  /** Conversations a factory installed, which expire when idle (insertion order). */
  readonly #fromFactory = new Map<K, Port>();
  /** Of those, the ones not yet admitted (authenticated), oldest first. */
  readonly #halfOpen = new Map<K, Port>();
  #nextIndex = 1;

  constructor(
    name: string,
    readonly accessor: Accessor<K>,
  ) {
    super(name);
  }

  ports(): readonly Port[] {
    return [this.a, this.b, ...this.#routes.values()];
  }

  /** A mux may run without a factory; an unknown key is then an error for that message only. */
  override optionalPorts(): readonly Port[] {
    return [this.b];
  }

  get size(): number {
    return this.#routes.size;
  }

  /** Conversations installed half-open by a factory and not yet admitted. */
  get halfOpen(): number {
    return this.#halfOpen.size;
  }

  keys(): IterableIterator<K> {
    return this.#routes.keys();
  }

  /** The side B[i] serving `key`, if any (what `route` would send a message with that key through). */
  portFor(key: K): Port | undefined {
    return IntTable.fits(key) ? this.#byInt.get(key) : this.#routes.get(key);
  }

  /** The conduit serving `key`, if any. */
  lookup(key: K): Conduit | undefined {
    return this.#routes.get(key)?.peer?.owner;
  }

  clone(): Conduit {
    return new Mux<K>(this.name, this.accessor);
  }

  override declared(): Declaration | undefined {
    return this.accessor.declares;
  }

  protected visit(visitor: Visitor, from: Port): void {
    visitor.atMux(this as Mux<unknown>, from);
  }

  route(msg: Message, from: Port): void {
    if (from !== this.a) {
      this.accessor.stamp?.(msg, from.key as K);
      this.sendVia(this.a, msg);
      return;
    }
    const key = this.accessor.key(msg);
    if (key === undefined) {
      this.drop(msg, 'no-demux-key');
      return;
    }
    const port = this.portFor(key);
    if (port !== undefined) {
      port.hits++;
      this.sendVia(port, msg);
    } else if (this.b.peer !== null) this.sendVia(this.b, msg);
    else throw new UnknownKeyError(this.name, this.formatKey(key));
  }

  /** Connect `conduit`'s side A to a new side B[i] serving `key`. */
  install(key: K, conduit: Conduit): Port {
    if (this.#routes.has(key)) throw new DuplicateKeyError(this.name, this.formatKey(key));
    const port = new Port(this, 'B', this.#nextIndex++);
    port.key = key;
    port.peer = conduit.a;
    conduit.a.peer = port;
    this.#routes.set(key, port);
    if (IntTable.fits(key)) this.#byInt.set(key, port);
    (this.graph as Graph | undefined)?.rewired();
    return port;
  }

  /**
   * Install a conversation for a factory: it expires when idle (`sweepIdle`) and, with
   * `halfOpen`, waits in the bounded half-open set until `admit(key)`.
   */
  installFromFactory(key: K, conduit: Conduit, halfOpen: boolean): Port {
    const port = this.install(key, conduit);
    this.#fromFactory.set(key, port);
    if (halfOpen) this.#halfOpen.set(key, port);
    return port;
  }

  /**
   * The conversation for `key` has authenticated its peer: it leaves the half-open set and can
   * no longer be evicted by new keys. False if `key` was not half-open.
   */
  admit(key: K): boolean {
    return this.#halfOpen.delete(key);
  }

  /** Remove and close the oldest half-open conversation (a flood of new keys must not lock out the rest); false if none. */
  evictOldestHalfOpen(): boolean {
    const oldest = this.#halfOpen.keys().next();
    if (oldest.done === true) return false;
    this.#discard(oldest.value, 'factory-evicted-half-open');
    this.graph.securityAlert(this, 'factory-evicted-half-open');
    return true;
  }

  /**
   * Remove and close every factory-installed conversation that no message from side A reached
   * since the previous sweep; returns how many went. Run every `idleTimeout` by the factory,
   * so an idle conversation goes after one to two timeouts.
   */
  sweepIdle(): number {
    const idle: K[] = [];
    for (const [key, port] of this.#fromFactory) {
      if (port.hits === 0) idle.push(key);
      else port.hits = 0;
    }
    for (const key of idle) this.#discard(key, 'factory-idle-expired');
    return idle.length;
  }

  #discard(key: K, reason: string): void {
    let conduit = this.lookup(key);
    while (conduit?.parent != null && conduit.parent.a === conduit.a) conduit = conduit.parent;
    this.remove(key);
    this.graph.drops.count(this.name, reason);
    if (conduit !== undefined) closeConduit(conduit);
  }

  /** Disconnect and forget the conduit serving `key`; returns it (its sessions' timers cancelled). */
  remove(key: K): Conduit | undefined {
    const port = this.#routes.get(key);
    if (port === undefined) return undefined;
    this.#routes.delete(key);
    this.#fromFactory.delete(key);
    this.#halfOpen.delete(key);
    if (IntTable.fits(key)) this.#byInt.delete(key);
    const conduit = port.peer?.owner;
    // A Protocol delegates its side A to an inner port: retire the Protocol, children and all.
    let outer = conduit;
    while (outer?.parent != null && outer.parent.a === port.peer) outer = outer.parent;
    if (port.peer) port.peer.peer = null;
    port.peer = null;
    if (outer) this.graph.retire(outer);
    (this.graph as Graph | undefined)?.rewired();
    return conduit;
  }

  formatKey(key: K): string {
    return this.accessor.format ? this.accessor.format(key) : String(key);
  }
}

/** Close a conversation nobody else will: its sessions (and a Protocol's) release what they hold. */
function closeConduit(c: Conduit): void {
  if (c.kind === 'session') (c as Session).close();
  else if (c.kind === 'protocol') for (const child of (c as Protocol).children) closeConduit(child);
}
