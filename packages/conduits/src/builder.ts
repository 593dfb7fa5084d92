import type { Accessor } from './accessor.js';
import { ApplicationAdaptor } from './application-adaptor.js';
import type { Conduit } from './conduit.js';
import { ConduitFactory, type FactoryOptions } from './conduit-factory.js';
import { DanglingSideError, SideAlreadyConnectedError, WiringError } from './errors.js';
import { Graph } from './graph.js';
import type { MessagePool } from './message.js';
import { Mux } from './mux.js';
import type { Port } from './port.js';
import { Protocol, type ProtocolDefinition } from './protocol.js';
import { checkRequirements } from './requirements.js';
import { Scheduler } from './scheduler.js';
import { Session, type SessionOptions } from './session.js';

/** Join two sides. Each side has at most one neighbour. In a running graph, its epoch moves on. */
export function connect(p: Port, q: Port): void {
  if (p.peer !== null)
    throw new SideAlreadyConnectedError(p.owner.name, p.label, p.peer.toString());
  if (q.peer !== null)
    throw new SideAlreadyConnectedError(q.owner.name, q.label, q.peer.toString());
  p.peer = q;
  q.peer = p;
  rewired(p);
}

/**
 * Part a side from its neighbour (to insert a layer into a running graph, say); returns the
 * neighbour's side, or null if there was none. In a running graph, its epoch moves on.
 */
export function disconnect(p: Port): Port | null {
  const q = p.peer;
  if (q === null) return null;
  p.peer = null;
  q.peer = null;
  rewired(p);
  return q;
}

function rewired(p: Port): void {
  (p.owner.graph as Graph | undefined)?.rewired();
}

/**
 * Builds a conduit graph so that the code reads like the stack it builds:
 *
 *   const g = new GraphBuilder('host');
 *   const app = g.application('app');
 *   g.stack(app, g.session('fsm', ...), g.session('coder', ...), g.session('cipher', ...), net);
 *   const graph = g.build(scheduler);
 *
 * `stack` lists conduits top first and joins each one's side A to the side above the next
 * (B for sessions and protocols, A for an adaptor at the bottom). `build` checks that no
 * side is left dangling and attaches everything to a running Graph.
 */
export class GraphBuilder {
  readonly #added: Conduit[] = [];

  constructor(readonly name: string) {}

  add<C extends Conduit>(conduit: C): C {
    this.#added.push(conduit);
    return conduit;
  }

  session<D>(name: string, options: SessionOptions<D>): Session<D> {
    return this.add(new Session<D>(name, options));
  }

  /** A mux; with `factory`, a ConduitFactory cloning `factory.prototype` sits on its side B[0]. */
  mux<K>(
    name: string,
    accessor: Accessor<K>,
    factory?: {
      readonly prototype: Conduit;
      readonly name?: string;
      readonly options?: FactoryOptions;
    },
  ): Mux<K> {
    const mux = this.add(new Mux<K>(name, accessor));
    if (factory) {
      const f = this.add(
        new ConduitFactory(factory.name ?? `${name}-factory`, factory.prototype, factory.options),
      );
      connect(mux.b, f.a);
    }
    return mux;
  }

  /** Serve `key` at `mux` with `conduit` from the start. */
  route<K>(mux: Mux<K>, key: K, conduit: Conduit): this {
    this.add(conduit);
    mux.install(key, conduit);
    return this;
  }

  protocol(name: string, define: ProtocolDefinition): Protocol {
    return this.add(new Protocol(name, define));
  }

  application(name: string, pool?: MessagePool): ApplicationAdaptor {
    return this.add(new ApplicationAdaptor(name, pool));
  }

  connect(p: Port, q: Port): this {
    connect(p, q);
    return this;
  }

  /** Stack `layers`, top first: each layer's side A joins the next one's upper side. */
  stack(...layers: Conduit[]): this {
    for (let i = 0; i + 1 < layers.length; i++) {
      const upper = layers[i] as Conduit;
      const lower = layers[i + 1] as Conduit;
      if (upper.kind === 'adaptor' && i > 0)
        throw new WiringError(upper.name, 'an adaptor has only side A: it can only end a stack');
      connect(upper.a, upperSide(lower, i + 1 === layers.length - 1));
    }
    for (const l of layers) if (!this.#added.includes(l)) this.add(l);
    return this;
  }

  /** Every conduit reachable from what was added: through connections and Protocol nesting. */
  conduits(): Conduit[] {
    const seen = new Set<Conduit>();
    const work = [...this.#added];
    while (work.length > 0) {
      const c = work.pop() as Conduit;
      if (seen.has(c)) continue;
      seen.add(c);
      if (c.parent !== null) work.push(c.parent);
      if (c.kind === 'protocol') work.push(...(c as Protocol).children);
      for (const p of c.ports()) if (p.peer !== null) work.push(p.peer.owner);
    }
    return [...seen];
  }

  /** Check the wiring and the declared attribute requirements, and attach every conduit to a new Graph running on `scheduler`. */
  build(scheduler: Scheduler = new Scheduler()): Graph {
    const all = this.conduits();
    for (const c of all) {
      const optional = c.optionalPorts();
      for (const p of c.ports())
        if (p.peer === null && !optional.includes(p)) throw new DanglingSideError(c.name, p.label);
    }
    checkRequirements(all);
    const graph = new Graph(this.name, scheduler);
    for (const c of all) if (c.parent === null) graph.adopt(c, null);
    return graph;
  }
}

function upperSide(lower: Conduit, isLast: boolean): Port {
  switch (lower.kind) {
    case 'adaptor':
      if (!isLast)
        throw new WiringError(lower.name, 'an adaptor has only side A: it can only end a stack');
      return lower.a;
    case 'mux':
      throw new WiringError(
        lower.name,
        'the sides above a mux are its B[i]: use route() or a factory, not stack()',
      );
    case 'factory':
      throw new WiringError(lower.name, 'a factory belongs on a mux side B[0], not in a stack');
    case 'session':
      return (lower as Session<unknown>).b;
    case 'protocol': {
      const b = (lower as Protocol).b;
      if (b === undefined)
        throw new WiringError(lower.name, 'this protocol delegates no side B to stack on');
      return b;
    }
  }
}
