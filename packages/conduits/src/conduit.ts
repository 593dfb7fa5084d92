import { carrierLedger } from './carrier-checks.js';
import { DanglingSideError } from './errors.js';
import type { Declaration } from './declaration.js';
import type { Graph } from './graph.js';
import type { Message } from './message.js';
import type { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Visitor } from './visitor.js';

export type ConduitKind = 'session' | 'mux' | 'factory' | 'adaptor' | 'protocol';

/** What every conduit offers its graph and its neighbours. */
export interface Conduit {
  readonly name: string;
  /** A number naming this conduit for the life of the process (what a message records on every hop). */
  readonly serial: number;
  readonly kind: ConduitKind;
  /** The Protocol this conduit is encapsulated in, if any (set by the Protocol that builds it). */
  parent: Protocol | null;
  /** The running graph, once attached. */
  readonly graph: Graph;
  /** Side A: for a Protocol, the inner port it delegates to. */
  readonly a: Port;
  /** The port(s) this conduit owns, for wiring checks and graph walks. */
  ports(): readonly Port[];
  /** Sides that may stay unconnected when the graph starts. */
  optionalPorts(): readonly Port[];
  /** A neighbour hands a visitor in through `from`, one of this conduit's ports. */
  accept(visitor: Visitor, from: Port): void;
  /** A fresh conduit with the same configuration and no per-session state (Prototype). */
  clone(): Conduit;
  /** Joins a running graph: called by the builder and by factories. */
  attach(graph: Graph, parent: Protocol | null): void;
  /** What this conduit does with attributes, if it says (checked by the builder). */
  declared?(): Declaration | undefined;
}

let serials = 0;

/**
 * Shared mechanics: the graph it runs in, the synchronous hop to a neighbour, and the rule
 * that a handler which throws loses only its own visitor.
 */
export abstract class ConduitBase implements Conduit {
  abstract readonly kind: ConduitKind;
  // A small integer: a message stores it on every hop without the write barrier a reference costs.
  readonly serial = ++serials;
  abstract readonly a: Port;
  /** Set by attach(); conduits receive visitors only once attached. */
  graph!: Graph;
  parent: Protocol | null = null;

  constructor(readonly name: string) {
    if (carrierLedger.on) carrierLedger.conduits.set(this.serial, new WeakRef(this));
  }

  abstract ports(): readonly Port[];
  abstract clone(): Conduit;
  protected abstract visit(visitor: Visitor, from: Port): void;

  optionalPorts(): readonly Port[] {
    return [];
  }

  declared(): Declaration | undefined {
    return undefined;
  }

  attach(graph: Graph, parent: Protocol | null): void {
    this.graph = graph;
    this.parent = parent;
  }

  accept(visitor: Visitor, from: Port): void {
    try {
      this.visit(visitor, from);
    } catch (error) {
      this.graph.fault(this, from, visitor, error);
    }
  }

  /**
   * Hand `visitor` to the neighbour on the other end of `port`, synchronously. Sending starts
   * at the neighbour, never at this conduit itself.
   */
  sendVia(port: Port, visitor: Visitor): void {
    const peer = port.peer;
    if (peer === null) throw new DanglingSideError(this.name, port.label);
    if (this.graph.tracing) this.graph.hop(port, peer, visitor);
    peer.owner.accept(visitor, peer);
  }

  /** Drop a message: count it by reason, release it, and raise an alert if it is a security event. */
  drop(msg: Message, reason: string, security = false): void {
    this.graph.drop(this, msg, reason, security);
  }

  toString(): string {
    return `${this.kind} ${this.name}`;
  }
}
