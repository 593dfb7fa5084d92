import type { Adaptor } from './adaptor.js';
import { ConduitBase, type Conduit } from './conduit.js';
import { WiringError } from './errors.js';
import type { Message } from './message.js';
import type { Mux } from './mux.js';
import { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Session } from './session.js';
import type { Visitor } from './visitor.js';

export interface FactoryOptions {
  /** At most this many conduits installed in the mux at once; further new keys are dropped (a flood of new keys must not exhaust memory). @default 65536 */
  readonly limit?: number;
  /** Ask the layer above whether a new conversation may start (ISAKMP's factory does). @default admit all */
  readonly admit?: (msg: Message) => boolean;
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
    if (from !== mux.b) throw new WiringError(mux.name, 'an Install visitor must come from side B[0]');
    const key = mux.accessor.key(msg);
    if (key === undefined || mux.size >= this.#limit) {
      mux.graph.retire(conduit);
      if (key === undefined) mux.drop(msg, 'no-demux-key');
      else mux.drop(msg, 'factory-limit', true);
      return;
    }
    mux.install(key, conduit);
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
    throw new WiringError(this.#factory?.name ?? 'factory', `side A must connect to a mux's side B[0], not to ${at}`);
  }
}
