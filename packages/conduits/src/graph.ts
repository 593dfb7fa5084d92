import { Observable, Subject } from 'rxjs';
import type { Conduit } from './conduit.js';
import { carrierLedger } from './carrier-checks.js';
import { DropCounters } from './drop-counters.js';
import { edge } from './edge.js';
import { ReleasedMessageError } from './errors.js';
import type { Message } from './message.js';
import type { Port } from './port.js';
import type { Protocol } from './protocol.js';
import type { Scheduler } from './scheduler.js';
import type { Session } from './session.js';
import type { Visitor } from './visitor.js';

/** Something the operator should know: a handler threw, or a security check failed. */
export interface Alert {
  readonly kind: 'fault' | 'security';
  readonly time: number;
  readonly graph: string;
  readonly conduit: string;
  readonly side: string | undefined;
  readonly reason: string;
  readonly error: unknown;
}

/** One visitor crossing one connection, for tracing (only produced while someone listens). */
export interface Hop {
  readonly time: number;
  readonly from: string;
  readonly to: string;
  readonly visitor: string;
}

/**
 * A running conduit graph: the scheduler it runs on, its conduits, its drop counters, and
 * the rxjs edges (alerts, hop trace). Many graphs (simulated hosts) may share one scheduler.
 */
export class Graph {
  readonly drops = new DropCounters();
  /** True while someone subscribes to `trace$`; checked once per hop. */
  tracing = false;
  /**
   * The shape of the graph: moves on with every connect, disconnect, mux install and remove,
   * adopted or retired conduit and session state change. A fast path that stands in for
   * conduits (an express lane) checks it once per packet and re-validates when it moved.
   */
  epoch = 0;
  #conduits = new Set<Conduit>();
  #alerts = new Subject<Alert>();
  #hops = new Subject<Hop>();
  #tracers = 0;
  #faults = 0;
  /** Set while a fault about a throwing edge subscriber is being raised (see edgeFault). */
  #raisingEdgeFault = false;

  constructor(
    readonly name: string,
    readonly scheduler: Scheduler,
  ) {}

  get conduits(): readonly Conduit[] {
    return [...this.#conduits];
  }

  /** The top-level conduits (those not inside a Protocol). */
  get roots(): readonly Conduit[] {
    return this.conduits.filter((c) => c.parent === null);
  }

  find(name: string): Conduit | undefined {
    for (const c of this.#conduits) if (c.name === name) return c;
    return undefined;
  }

  get faults(): number {
    return this.#faults;
  }

  /** An Edge: a subscriber that throws is counted and raised as a fault (`edgeFault`), the others still get the alert. */
  get alerts$(): Observable<Alert> {
    return edge(this.#alerts, (error) => this.edgeFault('alerts$', error));
  }

  get trace$(): Observable<Hop> {
    const hops = new Observable<Hop>((subscriber) => {
      const sub = this.#hops.subscribe(subscriber);
      this.#tracers++;
      this.tracing = true;
      return () => {
        sub.unsubscribe();
        this.tracing = --this.#tracers > 0;
      };
    });
    return edge(hops, (error) => this.edgeFault('trace$', error));
  }

  /** Join `conduit` (and a Protocol's children) to this graph. */
  adopt(conduit: Conduit, parent: Protocol | null): void {
    this.#conduits.add(conduit);
    conduit.attach(this, parent);
    this.epoch++;
  }

  /**
   * Forget a conduit removed from the graph (a mux dropped its session), with a Protocol's
   * children; sessions' timers are cancelled, so nothing fires into a conduit that is gone.
   */
  retire(conduit: Conduit): void {
    this.#conduits.delete(conduit);
    if (conduit.kind === 'session') (conduit as Session).cancelTimers();
    else if (conduit.kind === 'protocol')
      for (const c of (conduit as Protocol).children) this.retire(c);
    this.epoch++;
  }

  /** The graph was rewired or a session changed state: whatever was validated against its shape must be checked again. */
  rewired(): void {
    this.epoch++;
  }

  hop(from: Port, to: Port, visitor: Visitor): void {
    this.#hops.next({
      time: this.scheduler.now(),
      from: from.toString(),
      to: to.toString(),
      visitor: visitor.name,
    });
  }

  /** A handler threw while `visitor` was at `conduit`: drop the visitor, count, alert, carry on. */
  fault(conduit: Conduit, from: Port, visitor: Visitor, error: unknown): void {
    this.#faults++;
    this.drops.count(conduit.name, 'handler-threw');
    visitor.dropped?.(conduit);
    if (carrierLedger.on && error instanceof ReleasedMessageError)
      carrierLedger.swallowed.push(error);
    this.#alerts.next({
      kind: 'fault',
      time: this.scheduler.now(),
      graph: this.name,
      conduit: conduit.name,
      side: from.label,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : 'handler-threw',
      error,
    });
  }

  /**
   * A subscriber of an rxjs edge (`alerts$`, an endpoint's `datagrams$`, ...) threw: count it
   * and raise a fault naming the edge; the emission and the graph go on. A subscriber that
   * throws again on that fault alert is counted only, so a subscriber that always throws
   * cannot loop.
   */
  edgeFault(edgeName: string, error: unknown): void {
    this.#faults++;
    if (this.#raisingEdgeFault) return;
    this.#raisingEdgeFault = true;
    try {
      this.#alerts.next({
        kind: 'fault',
        time: this.scheduler.now(),
        graph: this.name,
        conduit: edgeName,
        side: undefined,
        reason:
          error instanceof Error ? `${error.name}: ${error.message}` : 'edge-subscriber-threw',
        error,
      });
    } finally {
      this.#raisingEdgeFault = false;
    }
  }

  drop(conduit: Conduit, msg: Message, reason: string, security: boolean): void {
    this.drops.count(conduit.name, reason);
    msg.release();
    if (security) this.securityAlert(conduit, reason);
  }

  securityAlert(conduit: Conduit, reason: string, error: unknown = undefined): void {
    this.#alerts.next({
      kind: 'security',
      time: this.scheduler.now(),
      graph: this.name,
      conduit: conduit.name,
      side: undefined,
      reason,
      error,
    });
  }
}
