/**
 * One server of the proactive service on the conduits core: its authenticated broadcast
 * channel and a TaskHost carrying one protocol run (an exchange) at a time as a RoundTask.
 * Frames arrive through `receive(frame)` and leave through the `send` given at construction
 * (a simulated bus on virtual time in the tests, UDP in a deployment); timers are the
 * scheduler's. Frames of a run not started here yet are held until it starts.
 */
import { TaskHost, type Scheduler, type Task, type TaskError } from '@conduits/core';
import { wipe } from '@conduits/crypto';
import type { RoundProtocol } from '../round-protocol.js';
import type { BroadcastChannel, Envelope } from './broadcast-channel.js';
import type { RoundMessage } from './codec.js';
import { RoundTask } from './round-task.js';

/** Wipe the secret bytes a frame carries (private shares, recovery contributions). */
function wipeSecrets(env: Envelope): void {
  for (const o of env.messages) {
    const m = o.msg;
    if (m.kind === 'share') wipe(m.share);
    else if (m.kind === 'contribution') wipe(m.value);
    else if (m.kind === 'answer') for (const r of m.reveals) wipe(r.share);
  }
}

/** How often a peer's stale frame of one round is answered with this server's frame of that round. */
const catchUpLimit = 3;

export interface NodeOptions {
  /** A round ends at the latest this long after it started (virtual ms). @default 2000 */
  readonly roundDeadline?: number;
  /** The host's first retransmission timeout. @default 200 */
  readonly timeout?: number;
}

export interface RunOutcome<R> {
  readonly exchange: number;
  readonly ok: boolean;
  readonly result?: R;
  readonly error?: Error;
  readonly refusals: ReadonlyMap<string, number>;
}

export class ProactiveNode {
  readonly host: TaskHost<Envelope, Envelope>;
  /** What became of frames: host receipts and the channel's drops. */
  readonly receipts = new Map<string, number>();
  readonly #channel: BroadcastChannel;
  readonly #scheduler: Scheduler;
  readonly #deadline: number;
  #onDone: ((o: RunOutcome<unknown>) => void) | null = null;
  #deadlineTimer: ReturnType<Scheduler['after']> | null = null;
  /** This server's frames of recent exchanges by round, to help a peer that lost one catch up. */
  readonly #sent = new Map<number, Map<number, Uint8Array>>();
  #round = 0;
  #receiving = false;
  readonly #catchUps = new Map<string, number>();
  readonly #send: (frame: Uint8Array) => void;
  readonly stats = { catchUps: 0 };

  constructor(
    scheduler: Scheduler,
    readonly index: number,
    channel: BroadcastChannel,
    send: (frame: Uint8Array) => void,
    options: NodeOptions = {},
  ) {
    this.#scheduler = scheduler;
    this.#channel = channel;
    this.#deadline = options.roundDeadline ?? 2000;
    this.#send = send;
    this.host = new TaskHost<Envelope, Envelope>(
      scheduler,
      {
        exchangeOf: (m) => m.exchange,
        stepOf: (m) => m.round * 256 + (m.deadline === true ? 0 : m.from),
        create: (exchange) => ({ exchange, round: 0, from: index, messages: [] }),
        // Share and contribution bytes are wiped once the host is done with a message.
        release: (m) => wipeSecrets(m),
        discard: (m) => wipeSecrets(m),
        // Nothing to say this round (the recovering server in round 1, the last round): no frame.
        send: (m) => {
          if (m.messages.length === 0) return;
          // The host answers a duplicate with the stored reply, right for a peer-to-peer
          // exchange; on a broadcast every server would echo every duplicate to everyone.
          // Lost frames are re-sent by the catch-up below instead, only to who is behind.
          if (this.#receiving && this.#sent.get(m.exchange)?.has(m.round) === true) return;
          const frame = this.#channel.seal(m);
          this.#remember(m.exchange, m.round, frame);
          send(frame);
        },
      },
      {
        completed: (task) => this.#finish(task, null),
        failed: (task, error) => this.#finish(task, error),
      },
      { name: `proactive-${index}`, timeout: options.timeout ?? 200, holdLimit: 256 },
    );
  }

  get channel(): BroadcastChannel {
    return this.#channel;
  }

  /** Start run `exchange` of `protocol`; `onDone` is told how it ended. */
  run<R>(
    exchange: number,
    protocol: RoundProtocol<RoundMessage, R>,
    kind: string,
    onDone: (o: RunOutcome<R>) => void,
  ): void {
    this.#onDone = onDone as (o: RunOutcome<unknown>) => void;
    this.#round = 1;
    const task = new RoundTask(protocol, kind, (round) => this.#arm(exchange, round));
    this.host.initiate(task, exchange);
  }

  /** A frame from the network. */
  receive(frame: Uint8Array): void {
    const env = this.#channel.open(frame);
    if (env === null) return this.#count('dropped');
    this.#receiving = true;
    let r: ReturnType<typeof this.host.receive>;
    try {
      r = this.host.receive(env);
    } finally {
      this.#receiving = false;
    }
    if (r === 'ahead') r = this.host.hold(env);
    // A held frame is the host's now (it wipes it through `release`); any other is done with.
    if (r !== 'held') wipeSecrets(env);
    this.#count(r);
    // A peer still sending a round this server has left has missed something of that round
    // (the broadcast is not reliable): send this server's frame of that round again. At most `catchUpLimit` times per peer and round, so two finished servers never echo each other for ever.
    // A frame seen before ('answered') or of a round left behind ('refused') means its sender
    // is retransmitting: it is still waiting in that round.
    if (r === 'answered' || (r === 'refused' && env.round < this.#round)) {
      const frame = this.#sent.get(env.exchange)?.get(env.round);
      const key = `${env.exchange}/${env.round}/${env.from}`;
      const n = this.#catchUps.get(key) ?? 0;
      if (frame !== undefined && n < catchUpLimit) {
        this.#catchUps.set(key, n + 1);
        this.stats.catchUps++;
        this.#send(frame);
      }
    }
  }

  #remember(exchange: number, round: number, frame: Uint8Array): void {
    let m = this.#sent.get(exchange);
    if (m === undefined) {
      this.#sent.set(exchange, (m = new Map()));
      // Keep the last two exchanges only.
      for (const e of this.#sent.keys()) if (e < exchange - 1) this.#sent.delete(e);
      for (const k of this.#catchUps.keys())
        if (Number(k.split('/')[0]) < exchange - 1) this.#catchUps.delete(k);
    }
    m.set(round, frame);
  }

  #arm(exchange: number, round: number): void {
    this.#round = round;
    this.#scheduler.cancel(this.#deadlineTimer);
    this.#deadlineTimer = this.#scheduler.after(this.#deadline, () => {
      this.#deadlineTimer = null;
      if (this.host.exchange === exchange)
        this.host.receive({ exchange, round, from: this.index, messages: [], deadline: true });
    });
  }

  #count(what: string): void {
    this.receipts.set(what, (this.receipts.get(what) ?? 0) + 1);
  }

  #finish(task: Task<Envelope, Envelope>, error: TaskError | null): void {
    this.#scheduler.cancel(this.#deadlineTimer);
    this.#deadlineTimer = null;
    const t = task as RoundTask<unknown>;
    const cb = this.#onDone;
    this.#onDone = null;
    if (cb === null) return;
    if (error !== null)
      return cb({ exchange: this.host.exchange, ok: false, error, refusals: t.refusals });
    try {
      cb({
        exchange: this.host.exchange,
        ok: true,
        result: t.protocol.result(),
        refusals: t.refusals,
      });
    } catch (e) {
      cb({ exchange: this.host.exchange, ok: false, error: e as Error, refusals: t.refusals });
    }
  }

  close(): void {
    this.#scheduler.cancel(this.#deadlineTimer);
    this.host.close();
    this.#channel.close();
  }
}
