/**
 * The FSM session of a server's node: one protocol run at a time as a `RoundTask` on the
 * core's `TaskHost` (exchange = run number, step = round·256 + sender). Envelopes come up from
 * the Coder and go down to it; the round deadline is this session's timer ('round'), so a
 * crashed or withholding server cannot hold a round open. The host's duplicate answering is
 * meant for a peer-to-peer exchange; on a broadcast every server would echo every duplicate
 * to everyone, so it is suppressed, and a peer seen still sending a round this server has
 * left is sent this server's frame of that round again (by the Cipher, which keeps the
 * sealed bytes), at most `catchUpLimit` times per peer and round. No key is held here.
 */
import {
  TaskHost,
  type Message,
  type Scheduler,
  type Session,
  type State,
  type Task,
  type TaskError,
} from '@conduits/core';
import { wipe } from '@conduits/crypto';
import type { RoundProtocol } from '../round-protocol.js';
import type { Envelope } from './broadcast-channel.js';
import type { RoundMessage } from './codec.js';
import { envelopeAttr, nodePool, resendAttr } from './node-messages.js';
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

export class NodeFsmState implements State {
  readonly name = 'proactive-fsm';
  readonly host: TaskHost<Envelope, Envelope>;
  readonly receipts = new Map<string, number>();
  readonly stats = { catchUps: 0 };
  readonly #deadline: number;
  #session: Session | null = null;
  #onDone: ((o: RunOutcome<unknown>) => void) | null = null;
  /** The rounds this server has sent in recent exchanges (the Cipher keeps the bytes). */
  readonly #sent = new Map<number, Set<number>>();
  readonly #catchUps = new Map<string, number>();
  #round = 0;
  #armed = { exchange: 0, round: 0 };
  #receiving = false;

  constructor(
    scheduler: Scheduler,
    readonly index: number,
    options: NodeOptions,
  ) {
    this.#deadline = options.roundDeadline ?? 2000;
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
          if (this.#receiving && this.#sent.get(m.exchange)?.has(m.round) === true) return;
          this.#remember(m.exchange, m.round);
          this.#down(nodePool.acquire().set(envelopeAttr, m));
        },
      },
      {
        completed: (task) => this.#finish(task, null),
        failed: (task, error) => this.#finish(task, error),
      },
      { name: `proactive-${index}`, timeout: options.timeout ?? 200, holdLimit: 256 },
    );
  }

  /** The session this state drives (set once the node's Protocol is built). */
  bind(session: Session): void {
    this.#session = session;
  }

  #down(msg: Message): void {
    const s = this.#session;
    if (s === null) return msg.release();
    s.send('A', msg);
  }

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

  accept(_s: Session, msg: Message, from: 'A' | 'B'): void {
    const env = from === 'A' ? msg.get(envelopeAttr) : undefined;
    msg.release();
    if (env === undefined) return;
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
    // A frame seen before ('answered') or of a round left behind ('refused') means its sender
    // is retransmitting: it is still waiting in that round and missed this server's frame.
    if (r === 'answered' || (r === 'refused' && env.round < this.#round)) {
      const key = `${env.exchange}/${env.round}/${env.from}`;
      const n = this.#catchUps.get(key) ?? 0;
      if (this.#sent.get(env.exchange)?.has(env.round) === true && n < catchUpLimit) {
        this.#catchUps.set(key, n + 1);
        this.stats.catchUps++;
        this.#down(
          nodePool.acquire().set(resendAttr, { exchange: env.exchange, round: env.round }),
        );
      }
    }
  }

  /** The count of a frame dropped below (the channel or the Coder). */
  count(what: string): void {
    this.#count(what);
  }

  timeout(_s: Session, tag: string): void {
    if (tag !== 'round') return;
    const { exchange, round } = this.#armed;
    if (this.host.exchange === exchange)
      this.host.receive({ exchange, round, from: this.index, messages: [], deadline: true });
  }

  #remember(exchange: number, round: number): void {
    let m = this.#sent.get(exchange);
    if (m === undefined) {
      this.#sent.set(exchange, (m = new Set()));
      // Keep the last two exchanges only.
      for (const e of this.#sent.keys()) if (e < exchange - 1) this.#sent.delete(e);
      for (const k of this.#catchUps.keys())
        if (Number(k.split('/')[0]) < exchange - 1) this.#catchUps.delete(k);
    }
    m.add(round);
  }

  #arm(exchange: number, round: number): void {
    this.#round = round;
    this.#armed = { exchange, round };
    this.#session?.setTimer(this.#deadline, 'round');
  }

  #count(what: string): void {
    this.receipts.set(what, (this.receipts.get(what) ?? 0) + 1);
  }

  #finish(task: Task<Envelope, Envelope>, error: TaskError | null): void {
    this.#session?.cancelTimer('round');
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
    this.#session?.cancelTimer('round');
    this.host.close();
  }
}
