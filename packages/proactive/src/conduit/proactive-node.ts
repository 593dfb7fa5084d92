/**
 * One server of the proactive service on the conduits core: a graph of the node's Protocol
 * (FSM / Coder / Cipher sessions, `node-protocol.ts`) over a `NetworkAdaptor`. The FSM carries
 * one protocol run (an exchange) at a time as a RoundTask on a TaskHost; the Cipher holds the
 * channel's keys. Frames arrive through `receive(frame)` and leave through the `send` given at
 * construction (a simulated bus on virtual time in the tests, UDP in a deployment); timers
 * are the scheduler's. Frames of a run not started here yet are held until it starts.
 */
import {
  GraphBuilder,
  type Graph,
  type Protocol,
  type Scheduler,
  type Session,
  type TaskHost,
} from '@conduits/core';
import type { RoundProtocol } from '../round-protocol.js';
import type { BroadcastChannel, DropReason, Envelope } from './broadcast-channel.js';
import type { RoundMessage } from './codec.js';
import { NetworkAdaptor } from './network-adaptor.js';
import { NodeCipherState } from './node-cipher.js';
import { NodeFsmState, type NodeOptions, type RunOutcome } from './node-fsm.js';
import { nodeProtocol } from './node-protocol.js';

export type { NodeOptions, RunOutcome } from './node-fsm.js';

const noDrops: Readonly<Record<DropReason, number>> = {
  malformed: 0,
  'unknown-sender': 0,
  'bad-signature': 0,
  'not-sealed-for-me': 0,
  'bad-message': 0,
};

export class ProactiveNode {
  readonly graph: Graph;
  readonly protocol: Protocol;
  readonly #fsm: NodeFsmState;
  readonly #cipher: NodeCipherState;
  readonly #net: NetworkAdaptor;

  constructor(
    scheduler: Scheduler,
    readonly index: number,
    channel: BroadcastChannel,
    send: (frame: Uint8Array) => void,
    options: NodeOptions = {},
  ) {
    this.#fsm = new NodeFsmState(scheduler, index, options);
    // The channel (and its keys) goes to the Cipher session; the node keeps no reference.
    this.#cipher = new NodeCipherState(channel, () => this.#fsm.count('dropped'));
    this.protocol = nodeProtocol(index, this.#fsm, this.#cipher);
    this.#net = new NetworkAdaptor(`net-${index}`, send);
    const g = new GraphBuilder(`proactive-${index}`);
    g.add(this.protocol);
    g.add(this.#net);
    g.connect(this.protocol.a, this.#net.a);
    this.graph = g.build(scheduler);
  }

  get host(): TaskHost<Envelope, Envelope> {
    return this.#fsm.host;
  }

  /** What became of frames: host receipts and 'dropped' (by the Cipher or the Coder). */
  get receipts(): ReadonlyMap<string, number> {
    return this.#fsm.receipts;
  }

  get stats(): { readonly catchUps: number } {
    return this.#fsm.stats;
  }

  /** The channel's drop counters (the keys stay in the Cipher session). */
  get channel(): { readonly drops: Readonly<Record<DropReason, number>> } {
    return { drops: this.#cipher.drops ?? noDrops };
  }

  /** The Cipher's keys are gone (after `close`). */
  get wiped(): boolean {
    return this.#cipher.wiped;
  }

  /** Start run `exchange` of `protocol`; `onDone` is told how it ended. */
  run<R>(
    exchange: number,
    protocol: RoundProtocol<RoundMessage, R>,
    kind: string,
    onDone: (o: RunOutcome<R>) => void,
  ): void {
    this.#fsm.run(exchange, protocol, kind, onDone);
  }

  /** A frame from the network. */
  receive(frame: Uint8Array): void {
    this.#net.receive(frame);
  }

  /** Close the sessions (timers), the host, and wipe the Cipher's keys. */
  close(): void {
    this.#fsm.close();
    for (const c of this.protocol.children) if (c.kind === 'session') (c as Session).close();
    this.#cipher.wipe();
  }
}
