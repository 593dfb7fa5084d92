import type { Conduit } from '../conduit.js';
import type { Graph } from '../graph.js';
import type { Message } from '../message.js';
import type { Protocol } from '../protocol.js';
import { Session } from '../session.js';
import type { Side } from '../side.js';
import type { State } from '../state.js';
import { EventRuntime } from './event-runtime.js';
import { msgFromAbove, msgFromBelow } from './events.js';
import { SharedData } from './shared-data.js';

/** A unit of behaviour inside a composite protocol: it binds handlers when the composite starts. */
export interface MicroProtocol {
  readonly name: string;
  start(composite: CompositeProtocol): void;
  /** The composite is closing: release resources (wipe keys...). */
  stop?(composite: CompositeProtocol): void;
}

/** Micro-protocols are given as factories, so each composite (and each clone) has its own. */
export type MicroProtocolFactory = () => MicroProtocol;

export interface CompositeOptions {
  readonly microProtocols: readonly MicroProtocolFactory[];
  readonly protocol?: string;
  readonly terminal?: Side;
}

/**
 * A Cactus composite protocol as a conduit: a message from side B raises `msgFromAbove`, one
 * from side A raises `msgFromBelow`; if no handler stops the event the message goes on out
 * of the opposite side, with its `local` attributes cleared (they never leave the composite).
 * A handler that stops the event owns the message (it must send, keep or release it).
 */
export class CompositeProtocol extends Session<null> {
  readonly runtime = new EventRuntime();
  readonly shared = new SharedData();
  readonly micro: readonly MicroProtocol[];
  readonly #composite: CompositeOptions;
  #started = false;

  constructor(name: string, options: CompositeOptions) {
    const base = {
      initial: compositeState,
      ...(options.protocol ? { protocol: options.protocol } : {}),
      ...(options.terminal ? { terminal: options.terminal } : {}),
    };
    super(name, base);
    this.#composite = options;
    this.micro = options.microProtocols.map((f) => f());
  }

  override clone(): Conduit {
    return new CompositeProtocol(this.name, this.#composite);
  }

  override attach(graph: Graph, parent: Protocol | null): void {
    super.attach(graph, parent);
    this.runtime.useScheduler(graph.scheduler);
    if (!this.#started) {
      this.#started = true;
      for (const m of this.micro) m.start(this);
    }
  }

  /** Let the micro-protocols release what they hold, and cancel timers. */
  override close(): void {
    for (const m of this.micro) m.stop?.(this);
    super.close();
  }

  /** Send out of side A (towards the network), clearing local attributes. */
  sendDown(msg: Message): void {
    msg.attrs.clearScope('local');
    this.send('A', msg);
  }

  /** Send out of side B (towards the application), clearing local attributes. */
  sendUp(msg: Message): void {
    msg.attrs.clearScope('local');
    this.send('B', msg);
  }

  /** Report a potential security violation on the graph's alert stream. */
  alert(reason: string, error?: unknown): void {
    this.graph.securityAlert(this, reason, error);
  }
}

const compositeState: State<null> = {
  name: 'composite',
  accept(session, msg, from) {
    const c = session as unknown as CompositeProtocol;
    if (from === 'B') {
      if (c.runtime.raise(msgFromAbove, msg)) c.sendDown(msg);
    } else if (c.runtime.raise(msgFromBelow, msg)) c.sendUp(msg);
  },
};
