import { Subject, type Observable } from 'rxjs';
import type { Clock } from './clock.js';
import { VirtualClock } from './clock.js';
import { edge } from './edge.js';
import { DanglingSideError } from './errors.js';
import type { Port } from './port.js';
import { Timer, TimerHeap } from './timer-heap.js';
import type { Visitor } from './visitor.js';

/** A fault outside any conduit: a timer task or queued task threw. */
export interface SchedulerFault {
  readonly time: number;
  readonly task: string;
  readonly error: unknown;
}

/**
 * The carrier loop (§4.1): one queue fed by adaptors and timers; each item runs to
 * completion before the next. With a VirtualClock, `run()` jumps time to the next timer when
 * the queue is empty, so simulations are deterministic and fast. With a RealClock, `start()`
 * drives the same loop from Node's event loop.
 *
 * The queue is two parallel ring arrays (port, visitor) so enqueuing a message allocates nothing.
 */
export class Scheduler {
  readonly clock: Clock;
  #ports: (Port | null)[] = new Array(1024).fill(null);
  #items: (Visitor | (() => void) | null)[] = new Array(1024).fill(null);
  #head = 0;
  #count = 0;
  #timers = new TimerHeap();
  #seq = 0;
  /** Live timers that keep run() going (not cancelled, not unref'd, not yet fired). */
  #refTimers = 0;
  #faults = new Subject<SchedulerFault>();
  #faultCount = 0;
  #running = false;
  #started = false;
  #immediate: ReturnType<typeof setImmediate> | null = null;
  #timeout: ReturnType<typeof setTimeout> | null = null;

  constructor(clock: Clock = new VirtualClock()) {
    this.clock = clock;
  }

  /**
   * Faults of timer and queued tasks (conduit faults go to their graph's alerts). An Edge: a
   * subscriber that throws is counted and reported as a fault of its own; the loop goes on.
   */
  get faults$(): Observable<SchedulerFault> {
    return edge(this.#faults, (error) => this.#edgeFault(error));
  }

  get faultCount(): number {
    return this.#faultCount;
  }

  now(): number {
    return this.clock.now();
  }

  /** Items waiting in the queue. */
  get pending(): number {
    return this.#count;
  }

  /** Timers set and not yet fired (a cancelled timer leaves the heap at once). */
  get timers(): number {
    return this.#timers.size;
  }

  /** Queue `visitor` to be sent out through `port` to its neighbour. */
  enqueue(port: Port, visitor: Visitor): void {
    this.#push(port, visitor);
  }

  /** Queue a task to run in the carrier loop (an ASYNC event raise, for instance). */
  defer(task: () => void): void {
    this.#push(null, task);
  }

  at(time: number, task: () => void): Timer {
    return this.#addTimer(time, 0, task);
  }

  after(delay: number, task: () => void): Timer {
    return this.#addTimer(this.clock.now() + Math.max(0, delay), 0, task);
  }

  /** Run `task` every `period` ms, first after one period. */
  every(period: number, task: () => void): Timer {
    if (!(period > 0)) throw new RangeError('period must be > 0');
    return this.#addTimer(this.clock.now() + period, period, task);
  }

  cancel(timer: Timer | null | undefined): void {
    if (!timer || timer.cancelled) return;
    timer.cancelled = true;
    // A fired one-shot timer is out of the heap already and no longer counted.
    if (this.#timers.remove(timer) && timer.ref) this.#refTimers--;
  }

  /**
   * Let `timer` run without keeping an unbounded `run()` alive (like Node's `unref`): for
   * housekeeping such as periodic lifetime checks, which would otherwise make a simulation
   * that has nothing else to do run forever.
   */
  unref(timer: Timer): Timer {
    if (timer.ref && timer.index >= 0) this.#refTimers--;
    timer.ref = false;
    return timer;
  }

  /** Run one queued item; false when the queue is empty. */
  step(): boolean {
    if (this.#count === 0) return false;
    const i = this.#head;
    const port = this.#ports[i] as Port | null;
    const item = this.#items[i] as Visitor | (() => void);
    this.#ports[i] = null;
    this.#items[i] = null;
    this.#head = (i + 1) & (this.#ports.length - 1);
    this.#count--;
    if (port === null) this.#runTask(item as () => void, 'deferred task');
    else deliver(port, item as Visitor);
    return true;
  }

  /** Drain the queue without moving time. */
  drain(): void {
    while (this.step());
  }

  /**
   * Virtual time: run queued work and timers in order until nothing is left or the next
   * timer lies beyond `until`; the clock then stands at `until` (if given). Returns the
   * number of items and timers run.
   */
  run(until = Number.POSITIVE_INFINITY): number {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock))
      throw new Error('run() drives virtual time; use start() with a real clock');
    let n = 0;
    for (;;) {
      while (this.step()) n++;
      const next = this.#nextLive();
      if (next === undefined || next.time > until) break;
      if (until === Number.POSITIVE_INFINITY && this.#refTimers === 0) break;
      clock.advanceTo(next.time);
      this.#fire(this.#timers.pop() as Timer);
      n++;
    }
    if (until !== Number.POSITIVE_INFINITY) clock.advanceTo(until);
    return n;
  }

  /** Virtual time: run for `ms` from now. */
  runFor(ms: number): number {
    return this.run(this.clock.now() + ms);
  }

  /** Real time: drive the loop from Node's event loop until stop(). */
  start(): void {
    if (this.clock.virtual)
      throw new Error('start() needs a real clock; use run() with a virtual clock');
    this.#started = true;
    this.#kick();
  }

  stop(): void {
    this.#started = false;
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#timeout) clearTimeout(this.#timeout);
    this.#immediate = null;
    this.#timeout = null;
  }

  #push(port: Port | null, item: Visitor | (() => void)): void {
    if (this.#count === this.#ports.length) this.#growQueue();
    const i = (this.#head + this.#count) & (this.#ports.length - 1);
    this.#ports[i] = port;
    this.#items[i] = item;
    this.#count++;
    if (this.#started && !this.#running && this.#immediate === null) this.#kick();
  }

  #growQueue(): void {
    const n = this.#ports.length;
    const ports: (Port | null)[] = new Array(n * 2).fill(null);
    const items: (Visitor | (() => void) | null)[] = new Array(n * 2).fill(null);
    for (let k = 0; k < this.#count; k++) {
      ports[k] = this.#ports[(this.#head + k) & (n - 1)] as Port | null;
      items[k] = this.#items[(this.#head + k) & (n - 1)] as Visitor | (() => void);
    }
    this.#ports = ports;
    this.#items = items;
    this.#head = 0;
  }

  #addTimer(time: number, period: number, task: () => void): Timer {
    const t = new Timer(time, this.#seq++, period, task);
    this.#timers.push(t);
    this.#refTimers++;
    if (this.#started && !this.#running) this.#kick();
    return t;
  }

  #nextLive(): Timer | undefined {
    let t = this.#timers.peek();
    while (t !== undefined && t.cancelled) {
      this.#timers.pop();
      t = this.#timers.peek();
    }
    return t;
  }

  #fire(t: Timer): void {
    if (t.cancelled) return;
    if (t.period > 0) {
      t.time += t.period;
      t.seq = this.#seq++;
      this.#timers.push(t);
    } else if (t.ref) this.#refTimers--;
    this.#runTask(t.task, 'timer');
  }

  #raisingEdgeFault = false;
  #edgeFault(error: unknown): void {
    this.#faultCount++;
    if (this.#raisingEdgeFault) return; // thrown again on the report about itself: counted only
    this.#raisingEdgeFault = true;
    try {
      this.#faults.next({ time: this.clock.now(), task: 'faults$ subscriber', error });
    } finally {
      this.#raisingEdgeFault = false;
    }
  }

  #runTask(task: () => void, what: string): void {
    try {
      task();
    } catch (error) {
      this.#faultCount++;
      this.#faults.next({ time: this.clock.now(), task: what, error });
    }
  }

  #kick(): void {
    if (this.#immediate === null) this.#immediate = setImmediate(() => this.#realTick());
  }

  #realTick(): void {
    this.#immediate = null;
    if (!this.#started) return;
    this.#running = true;
    try {
      // Bounded batches keep socket I/O flowing under load.
      for (let k = 0; k < 4096 && this.step(); k++);
      const now = this.clock.now();
      let t = this.#nextLive();
      while (t !== undefined && t.time <= now) {
        this.#fire(this.#timers.pop() as Timer);
        t = this.#nextLive();
      }
    } finally {
      this.#running = false;
    }
    if (this.#count > 0) this.#kick();
    else {
      const next = this.#nextLive();
      if (this.#timeout) clearTimeout(this.#timeout);
      this.#timeout =
        next === undefined
          ? null
          : setTimeout(() => this.#kick(), Math.max(0, next.time - this.clock.now()));
    }
  }
}

function deliver(port: Port, visitor: Visitor): void {
  const peer = port.peer;
  const graph = port.owner.graph;
  if (peer === null) {
    graph.fault(port.owner, port, visitor, new DanglingSideError(port.owner.name, port.label));
    return;
  }
  if (graph.tracing) graph.hop(port, peer, visitor);
  peer.owner.accept(visitor, peer);
}
