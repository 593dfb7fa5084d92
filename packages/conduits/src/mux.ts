import type { Accessor } from './accessor.js';
import { ConduitBase, type Conduit } from './conduit.js';
import type { Declaration } from './declaration.js';
import type { Graph } from './graph.js';
import { DuplicateKeyError, UnknownKeyError } from './errors.js';
import { IntTable } from './int-table.js';
import type { Message } from './message.js';
import { Port } from './port.js';
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
    if (port !== undefined) this.sendVia(port, msg);
    else if (this.b.peer !== null) this.sendVia(this.b, msg);
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

  /** Disconnect and forget the conduit serving `key`; returns it. */
  remove(key: K): Conduit | undefined {
    const port = this.#routes.get(key);
    if (port === undefined) return undefined;
    this.#routes.delete(key);
    if (IntTable.fits(key)) this.#byInt.delete(key);
    const conduit = port.peer?.owner;
    if (port.peer) port.peer.peer = null;
    port.peer = null;
    if (conduit) this.graph.retire(conduit);
    (this.graph as Graph | undefined)?.rewired();
    return conduit;
  }

  formatKey(key: K): string {
    return this.accessor.format ? this.accessor.format(key) : String(key);
  }
}
