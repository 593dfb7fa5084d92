import { GraphBuilder } from './builder.js';
import { ConduitBase, type Conduit } from './conduit.js';
import type { Graph } from './graph.js';
import type { Port } from './port.js';
import type { Visitor } from './visitor.js';

/** Builds a protocol's inner graph and names the inner ports its sides delegate to. */
export type ProtocolDefinition = (inner: GraphBuilder) => { readonly a: Port; readonly b?: Port };

/**
 * A metaconduit (§3.2, Proxy): it encapsulates a subgraph and delegates side A and side B to
 * ports of conduits inside it. Connecting to `protocol.a` connects to that inner port, so
 * messages flow straight between inner conduits and the outside; the Protocol object itself
 * is met only by control visitors. A finished stack thus becomes one component of a bigger one.
 */
export class Protocol extends ConduitBase {
  readonly kind = 'protocol';
  readonly a: Port;
  readonly b: Port | undefined;
  readonly children: readonly Conduit[];
  readonly #define: ProtocolDefinition;

  constructor(name: string, define: ProtocolDefinition) {
    super(name);
    this.#define = define;
    const inner = new GraphBuilder(name);
    const sides = define(inner);
    this.a = sides.a;
    this.b = sides.b;
    this.children = inner.conduits().filter((c) => c.parent === null);
    for (const c of this.children) c.parent = this;
  }

  /** A Protocol owns no ports of its own: its sides are its children's. */
  ports(): readonly Port[] {
    return [];
  }

  /** A new instance of the same definition: the inner graph is built afresh. */
  clone(): Conduit {
    return new Protocol(this.name, this.#define);
  }

  override attach(graph: Graph, parent: Protocol | null): void {
    super.attach(graph, parent);
    for (const c of this.children) graph.adopt(c, this);
  }

  protected visit(visitor: Visitor, from: Port): void {
    visitor.atProtocol(this, from);
  }
}
