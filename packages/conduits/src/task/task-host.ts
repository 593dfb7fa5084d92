/**
 * Carries one exchange at a time for a Session (strongSwan's task manager, reduced to one
 * task): it sends what the task builds, sends the last message again on the scheduler's clock
 * until the peer answers (exponential backoff, a retry limit, then the exchange fails),
 * answers a duplicate of a message it already processed with the reply it stored, without
 * showing the task the duplicate, and holds messages that arrive before their round (or
 * their exchange) until the task can take them.
 *
 * The host keeps its state in fields; its one timer callback is bound once, in the
 * constructor, so no closure holds exchange state and a round allocates only the messages it
 * builds. The Session that uses a host closes it in its own `close()`: after that no timer
 * fires, nothing is sent, and held and stored messages are given back (wiped by the wire).
 *
 * Ownership: a message given to `receive`/`respond` stays the caller's, except when the
 * receipt is 'held': the host then keeps it and gives it back through `wire.release`.
 */
import type { Scheduler } from '../scheduler.js';
import type { Timer } from '../timer-heap.js';
import {
  retransmission,
  retransmitDelay,
  type RetransmitPolicy,
  type Retransmission,
} from './retransmit-policy.js';
import { RetransmitLimitError, TaskHostClosedError, type TaskError } from './task-errors.js';
import type { TaskRefused } from './task-result.js';
import type { Task } from './task.js';
import type { TaskWire } from './task-wire.js';

/** Told how each exchange ends. Implemented by the Session (or micro-protocol) that uses the host. */
export interface TaskOwner<In, Out> {
  /** The exchange finished on this side (its last message, if any, has been sent). */
  completed(task: Task<In, Out>, exchange: number): void;
  /** The exchange failed: the task said so, or the peer never answered (RetransmitLimitError). */
  failed(task: Task<In, Out>, error: TaskError, exchange: number): void;
  /** A held message, offered again, was refused by the task (the caller of `receive` learns it from the receipt instead). */
  refused?(msg: In, reason: string): void;
}

/**
 * What became of a received message:
 * - 'processed': the task took it;
 * - 'answered': a duplicate of a message already processed; the stored reply (if any) went out again;
 * - 'refused': the task refused it (`lastRefusal` says why); the exchange goes on;
 * - 'failed': the task failed on it (the owner has been told);
 * - 'held': too early for its round; the host keeps it and offers it again after the next round;
 * - 'stale': from an exchange before the current one, or of the current one, over, and a step never seen;
 * - 'ahead': from a later exchange than the current one: the owner decides (`respond`, `hold`, or drop);
 * - 'idle': of the current exchange, but no task is running (it failed, or none started);
 * - 'closed': the host is closed.
 */
export type Receipt =
  'processed' | 'answered' | 'refused' | 'failed' | 'held' | 'stale' | 'ahead' | 'idle' | 'closed';

export interface TaskHostOptions extends RetransmitPolicy {
  /** For errors and reports. @default 'task-host' */
  readonly name?: string;
  /** Messages held for a later round or exchange, at most; beyond, the oldest is let go. @default 16 */
  readonly holdLimit?: number;
}

export class TaskHost<In, Out> {
  readonly name: string;
  /** Counters for tests and reports. */
  readonly stats = { sent: 0, retransmitted: 0, answered: 0, held: 0, holdDropped: 0 };
  readonly #scheduler: Scheduler;
  readonly #wire: TaskWire<In, Out>;
  readonly #owner: TaskOwner<In, Out>;
  readonly #policy: Retransmission;
  readonly #holdLimit: number;
  readonly #onTimeout: () => void;
  #task: Task<In, Out> | null = null;
  #exchange = -1;
  /** The message sent again on each timeout (null: waiting without one). */
  #lastSent: Out | null = null;
  #timeouts = 0;
  #timer: Timer | null = null;
  /** Steps of the current exchange already processed, and what each was answered with. */
  readonly #steps: number[] = [];
  readonly #replies: (Out | null)[] = [];
  /** Every message built in the current exchange, to discard when it is forgotten. */
  readonly #made: Out[] = [];
  readonly #held: In[] = [];
  #offering = false;
  #offerAgain = false;
  #lastRefusal: TaskRefused | null = null;
  /** The current exchange completed (rather than failed, or never started). */
  #completed = false;
  #closed = false;

  constructor(
    scheduler: Scheduler,
    wire: TaskWire<In, Out>,
    owner: TaskOwner<In, Out>,
    options: TaskHostOptions = {},
  ) {
    this.name = options.name ?? 'task-host';
    this.#scheduler = scheduler;
    this.#wire = wire;
    this.#owner = owner;
    this.#policy = retransmission(options);
    const limit = options.holdLimit ?? 16;
    this.#holdLimit = Number.isInteger(limit) && limit >= 0 ? limit : 16;
    this.#onTimeout = () => this.#timeout();
  }

  /** The exchange hosted now (the last one started), -1 before any. */
  get exchange(): number {
    return this.#exchange;
  }

  /** The task running, or null (none started, or the last one is over). */
  get task(): Task<In, Out> | null {
    return this.#task;
  }

  /** A timer is armed (a message is being retransmitted, or a reply awaited). */
  get waiting(): boolean {
    return this.#timer !== null;
  }

  /** Messages held now. */
  get held(): number {
    return this.#held.length;
  }

  /** Why the task refused the last message it refused. */
  get lastRefusal(): TaskRefused | null {
    return this.#lastRefusal;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The policy in force (defaults filled in). */
  get policy(): Retransmission {
    return this.#policy;
  }

  /**
   * Start exchange `exchange` as its initiator: `task.build` makes the first message. A task
   * still running is abandoned (destroyed, its owner not told) and the previous exchange's
   * stored replies forgotten.
   */
  initiate(task: Task<In, Out>, exchange: number): void {
    if (this.#closed) throw new TaskHostClosedError(this.name);
    this.#abandon();
    this.#reset(exchange);
    this.#task = task;
    this.#build(task);
    this.#offerHeld(true);
  }

  /** Start the exchange `msg` opens, as its responder: `task.process(msg)` first. */
  respond(task: Task<In, Out>, msg: In): Receipt {
    if (this.#closed) return 'closed';
    this.#abandon();
    this.#reset(this.#wire.exchangeOf(msg));
    this.#task = task;
    const r = this.#process(task, msg);
    this.#offerHeld(true);
    return r;
  }

  /** A message from the peer. */
  receive(msg: In): Receipt {
    if (this.#closed) return 'closed';
    const r = this.#receive(msg);
    this.#offerHeld(false);
    return r;
  }

  /** Keep `msg` (of a later exchange) until that exchange starts here; the oldest goes beyond the limit. */
  hold(msg: In): Receipt {
    if (this.#closed) return 'closed';
    this.#hold(msg);
    return 'held';
  }

  /** Stop the running task without telling the owner (it is being replaced or the Session is going). */
  abandon(): void {
    this.#abandon();
  }

  /** Close: no timer fires after this, nothing is sent; held and stored messages are given back. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abandon();
    for (const m of this.#held.splice(0)) this.#wire.release?.(m);
    this.#reset(-1);
  }

  #receive(msg: In): Receipt {
    const ex = this.#wire.exchangeOf(msg);
    if (ex < this.#exchange) return 'stale';
    if (ex > this.#exchange) return 'ahead';
    const i = this.#steps.indexOf(this.#wire.stepOf(msg));
    if (i >= 0) {
      const reply = this.#replies[i] as Out | null;
      if (reply !== null) {
        this.#wire.send(reply);
        this.stats.sent++;
      }
      this.stats.answered++;
      return 'answered';
    }
    const task = this.#task;
    if (task === null) return this.#completed ? 'stale' : 'idle';
    return this.#process(task, msg);
  }

  #build(task: Task<In, Out>): void {
    const out = this.#make();
    const r = task.build(out);
    if (this.#task !== task) return;
    switch (r.kind) {
      case 'failed':
        return this.#fail(task, r.error);
      case 'waiting':
        return this.#await(null);
      case 'needMore':
        return this.#await(out);
      case 'done':
        this.#send(out);
        return this.#complete(task);
    }
  }

  #process(task: Task<In, Out>, msg: In): Receipt {
    const step = this.#wire.stepOf(msg);
    const r = task.process(msg);
    if (this.#task !== task) return r.kind === 'failed' ? 'failed' : 'processed';
    switch (r.kind) {
      case 'refused':
        this.#lastRefusal = r;
        return 'refused';
      case 'later':
        this.#hold(msg);
        return 'held';
      case 'failed':
        this.#fail(task, r.error);
        return 'failed';
      case 'waiting':
        this.#record(step, null);
        this.#offerAgain = true;
        return 'processed';
      case 'done':
        this.#record(step, null);
        this.#complete(task);
        return 'processed';
      case 'needMore':
        break;
    }
    const out = this.#make();
    const b = task.build(out);
    if (this.#task !== task) return 'processed';
    switch (b.kind) {
      case 'failed':
        this.#fail(task, b.error);
        return 'failed';
      case 'waiting':
        this.#record(step, null);
        break;
      case 'needMore':
        this.#record(step, out);
        this.#await(out);
        break;
      case 'done':
        this.#record(step, out);
        this.#send(out);
        this.#complete(task);
        break;
    }
    this.#offerAgain = true;
    return 'processed';
  }

  #make(): Out {
    const out = this.#wire.create(this.#exchange);
    this.#made.push(out);
    return out;
  }

  #record(step: number, reply: Out | null): void {
    this.#steps.push(step);
    this.#replies.push(reply);
  }

  #send(out: Out): void {
    this.#wire.send(out);
    this.stats.sent++;
  }

  /** Send `out` (if any) and wait for the peer, sending it again on each timeout. */
  #await(out: Out | null): void {
    this.#stopTimer();
    this.#lastSent = out;
    this.#timeouts = 0;
    if (out !== null) this.#send(out);
    this.#timer = this.#scheduler.after(retransmitDelay(this.#policy, 1), this.#onTimeout);
  }

  #timeout(): void {
    this.#timer = null;
    const task = this.#task;
    if (this.#closed || task === null) return;
    if (++this.#timeouts >= this.#policy.tries) {
      this.#lastSent = null;
      return this.#fail(task, new RetransmitLimitError(task.kind, this.#timeouts, this.#exchange));
    }
    if (this.#lastSent !== null) {
      this.#wire.send(this.#lastSent);
      this.stats.sent++;
      this.stats.retransmitted++;
    }
    this.#timer = this.#scheduler.after(
      retransmitDelay(this.#policy, this.#timeouts + 1),
      this.#onTimeout,
    );
  }

  #stopTimer(): void {
    if (this.#timer !== null) this.#scheduler.cancel(this.#timer);
    this.#timer = null;
    this.#lastSent = null;
  }

  #complete(task: Task<In, Out>): void {
    this.#stopTimer();
    this.#task = null;
    this.#completed = true;
    this.#owner.completed(task, this.#exchange);
    task.destroy?.();
  }

  #fail(task: Task<In, Out>, error: TaskError): void {
    this.#stopTimer();
    this.#task = null;
    this.#owner.failed(task, error, this.#exchange);
    task.destroy?.();
  }

  #abandon(): void {
    this.#stopTimer();
    const task = this.#task;
    this.#task = null;
    task?.destroy?.();
  }

  #reset(exchange: number): void {
    for (const m of this.#made) this.#wire.discard?.(m);
    this.#made.length = 0;
    this.#steps.length = 0;
    this.#replies.length = 0;
    this.#exchange = exchange;
    this.#timeouts = 0;
    this.#lastRefusal = null;
    this.#completed = false;
  }

  #hold(msg: In): void {
    if (this.#held.length >= this.#holdLimit) {
      this.stats.holdDropped++;
      if (this.#holdLimit === 0) return this.#wire.release?.(msg);
      this.#wire.release?.(this.#held.shift() as In);
    }
    this.#held.push(msg);
    this.stats.held++;
  }

  /** Offer held messages again, once each per round advanced (or exchange started); ones still too early stay. */
  #offerHeld(started: boolean): void {
    if (this.#offering) return;
    if (this.#held.length === 0 || !(started || this.#offerAgain)) {
      this.#offerAgain = false;
      return;
    }
    this.#offering = true;
    try {
      do {
        this.#offerAgain = false;
        for (let n = this.#held.length; n > 0 && !this.#closed; n--) {
          const msg = this.#held.shift() as In;
          const r = this.#receive(msg);
          if (r === 'held') continue;
          if (r === 'ahead') {
            this.#held.push(msg);
            continue;
          }
          if (r === 'refused') this.#owner.refused?.(msg, this.#lastRefusal?.reason ?? 'refused');
          this.#wire.release?.(msg);
        }
      } while (this.#offerAgain && !this.#closed);
    } finally {
      this.#offering = false;
    }
  }
}
