import type { Adaptor } from '../adaptor.js';
import type { Conduit, ConduitKind } from '../conduit.js';
import type { ConduitFactory } from '../conduit-factory.js';
import type { Graph } from '../graph.js';
import type { Mux } from '../mux.js';
import type { Protocol } from '../protocol.js';
import type { Session } from '../session.js';
import type { Visitor } from '../visitor.js';

export interface NodeDescription {
  readonly id: string;
  readonly name: string;
  readonly kind: ConduitKind;
  /** What a reader wants to know at a glance: current state, accessor and routes, prototype. */
  readonly detail: string;
  /** Id of the enclosing Protocol, if any. */
  readonly parent: string | null;
}

export interface EdgeDescription {
  readonly from: string;
  readonly fromSide: string;
  readonly to: string;
  readonly toSide: string;
}

export interface GraphDescription {
  readonly name: string;
  readonly nodes: readonly NodeDescription[];
  readonly edges: readonly EdgeDescription[];
}

/**
 * A control visitor (§3.5: "to visualize protocol behaviour") that walks a graph from one
 * conduit through every connection and Protocol nesting, and records what it meets.
 */
export class Describe implements Visitor {
  readonly name = 'describe';
  readonly #ids = new Map<Conduit, string>();
  readonly #details = new Map<Conduit, string>();
  readonly #work: Conduit[] = [];

  /** Walk everything reachable from `start`. */
  walk(start: Conduit): this {
    this.#work.push(start);
    while (this.#work.length > 0) {
      const c = this.#work.shift() as Conduit;
      if (this.#ids.has(c)) continue;
      this.#ids.set(c, `n${this.#ids.size}`);
      c.accept(this, c.ports()[0] ?? c.a);
    }
    return this;
  }

  result(name: string): GraphDescription {
    const nodes: NodeDescription[] = [];
    const edges: EdgeDescription[] = [];
    const seen = new Set<string>();
    for (const [c, id] of this.#ids) {
      const parent = c.parent === null ? null : (this.#ids.get(c.parent) ?? null);
      nodes.push({ id, name: c.name, kind: c.kind, detail: this.#details.get(c) ?? '', parent });
      for (const p of c.ports()) {
        const peerId = p.peer === null ? undefined : this.#ids.get(p.peer.owner);
        if (p.peer === null || peerId === undefined) continue;
        const here = `${id}.${p.label}`;
        const there = `${peerId}.${p.peer.label}`;
        if (seen.has(`${there}-${here}`)) continue;
        seen.add(`${here}-${there}`);
        edges.push({ from: id, fromSide: p.label, to: peerId, toSide: p.peer.label });
      }
    }
    return { name, nodes, edges };
  }

  atSession(s: Session<unknown>): void {
    this.#record(s, `state: ${s.state.name}`);
  }
  atMux(m: Mux<unknown>): void {
    const keys = [...m.keys()].slice(0, 6).map((k) => m.formatKey(k));
    const more = m.size > keys.length ? ', …' : '';
    this.#record(
      m,
      `accessor: ${m.accessor.name}; routes: ${m.size}${keys.length ? ` (${keys.join(', ')}${more})` : ''}`,
    );
  }
  atFactory(f: ConduitFactory): void {
    this.#record(f, `prototype: ${f.prototype.kind} ${f.prototype.name}; created: ${f.created}`);
  }
  atAdaptor(a: Adaptor): void {
    this.#record(a, 'adaptor');
  }
  atProtocol(p: Protocol): void {
    this.#record(p, `${p.children.length} conduits`);
    this.#work.push(...p.children);
  }

  #record(c: Conduit, detail: string): void {
    this.#details.set(c, detail);
    if (c.parent !== null) this.#work.push(c.parent);
    for (const p of c.ports()) if (p.peer !== null) this.#work.push(p.peer.owner);
  }
}

/** Describe a whole graph, including parts not connected to each other. */
export function describeGraph(graph: Graph): GraphDescription {
  const d = new Describe();
  for (const c of graph.roots) d.walk(c);
  return d.result(graph.name);
}
