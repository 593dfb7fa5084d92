import type { Scheduler } from '../scheduler.js';
import type { Timer } from '../timer-heap.js';
import type { EventType } from './event-type.js';

export type RaiseMode = 'SYNC' | 'ASYNC';

/** A handler gets the raise's dynamic args, the bind's static args, and the runtime (to stop the event, raise others...). */
export type Handler<A, S> = (args: A, staticArgs: S, runtime: EventRuntime) => void;

declare const bindingBrand: unique symbol;
export type BindingId = number & { readonly [bindingBrand]: 'BindingId' };

interface Binding {
  readonly id: BindingId;
  readonly name: string;
  readonly order: number;
  readonly seq: number;
  readonly handler: Handler<unknown, unknown>;
  readonly staticArgs: unknown;
}

/** A raise that was queued (ASYNC) or delayed: it can be cancelled until it runs. */
export class RaiseHandle {
  status: 'pending' | 'completed' | 'stopped' | 'cancelled' = 'pending';
  timer: Timer | null = null;
  constructor(readonly event: string) {}
}

/**
 * The Cactus event mechanism (§2.3): bind handlers to events with an order and static args,
 * raise events synchronously or asynchronously, now or after a delay, halt an event's
 * remaining handlers, cancel a delayed raise. Bindings are copy-on-write so a synchronous
 * raise allocates nothing and handlers may bind or unbind while an event runs (the change
 * applies to the next raise).
 */
export class EventRuntime {
  readonly #lists = new Map<EventType<unknown>, Binding[]>();
  readonly #where = new Map<BindingId, EventType<unknown>>();
  #nextId = 1;
  #stopRequested = false;
  #scheduler: Scheduler | null;

  constructor(scheduler: Scheduler | null = null) {
    this.#scheduler = scheduler;
  }

  /** The scheduler ASYNC and delayed raises go through (a composite gets it when it joins a graph). */
  useScheduler(s: Scheduler): void {
    this.#scheduler = s;
  }

  bind<A, S>(
    event: EventType<A>,
    handler: Handler<A, S>,
    order: number,
    staticArgs: S,
    name = handler.name || 'handler',
  ): BindingId {
    const id = this.#nextId++ as BindingId;
    const b: Binding = {
      id,
      name,
      order,
      seq: id,
      handler: handler as Handler<unknown, unknown>,
      staticArgs,
    };
    const key = event as EventType<unknown>;
    const list = [...(this.#lists.get(key) ?? []), b].sort(
      (x, y) => x.order - y.order || x.seq - y.seq,
    );
    this.#lists.set(key, list);
    this.#where.set(id, key);
    return id;
  }

  unbind(id: BindingId): boolean {
    const key = this.#where.get(id);
    if (key === undefined) return false;
    this.#where.delete(id);
    this.#lists.set(
      key,
      (this.#lists.get(key) ?? []).filter((b) => b.id !== id),
    );
    return true;
  }

  /** The bound handlers of `event` in the order they run, as "name@order". */
  handlers(event: EventType<unknown>): string[] {
    const list = this.#lists.get(event) ?? [];
    const names = list.map((b) => `${b.name}@${b.order}`);
    return event.order === 'descending' ? names.reverse() : names;
  }

  /** Raise `event` now, synchronously. Returns false if a handler stopped it. */
  raise<A>(event: EventType<A>, args: A): boolean;
  /** Raise with a mode and delay (ms); the handle can be cancelled while pending. */
  raise<A>(event: EventType<A>, args: A, mode: RaiseMode, delay?: number): RaiseHandle;
  raise<A>(event: EventType<A>, args: A, mode?: RaiseMode, delay = 0): boolean | RaiseHandle {
    if (mode === undefined) return this.#dispatch(event as EventType<unknown>, args);
    const h = new RaiseHandle(event.name);
    const run = (): void => {
      if (h.status !== 'pending') return;
      h.status = 'completed';
      if (!this.#dispatch(event as EventType<unknown>, args)) h.status = 'stopped';
    };
    if (mode === 'SYNC' && delay <= 0) run();
    else if (delay > 0) h.timer = this.#requireScheduler().after(delay, run);
    else this.#requireScheduler().defer(run);
    return h;
  }

  /** Cancel a pending ASYNC or delayed raise. Returns false if it already ran. */
  cancel(h: RaiseHandle): boolean {
    if (h.status !== 'pending') return false;
    h.status = 'cancelled';
    if (h.timer) this.#scheduler?.cancel(h.timer);
    return true;
  }

  /** From inside a handler: run none of the current event's remaining handlers. */
  stop(): void {
    this.#stopRequested = true;
  }

  #dispatch(event: EventType<unknown>, args: unknown): boolean {
    const list = this.#lists.get(event);
    if (list === undefined) return true;
    const outer = this.#stopRequested;
    this.#stopRequested = false;
    try {
      if (event.order === 'ascending') {
        for (let i = 0; i < list.length; i++) {
          const b = list[i] as Binding;
          b.handler(args, b.staticArgs, this);
          if (this.#stopRequested) return false;
        }
      } else {
        for (let i = list.length - 1; i >= 0; i--) {
          const b = list[i] as Binding;
          b.handler(args, b.staticArgs, this);
          if (this.#stopRequested) return false;
        }
      }
      return true;
    } finally {
      this.#stopRequested = outer;
    }
  }

  #requireScheduler(): Scheduler {
    if (this.#scheduler === null)
      throw new Error(
        'EventRuntime: ASYNC or delayed raise needs a scheduler (join a graph first)',
      );
    return this.#scheduler;
  }
}
