import { ConduitBase, type Conduit } from './conduit.js';
import type { Declaration } from './declaration.js';
import type { Graph } from './graph.js';
import type { Message } from './message.js';
import type { Mux } from './mux.js';
import { Deliver } from './messenger.js';
import { Port } from './port.js';
import type { Side } from './side.js';
import type { State } from './state.js';
import type { Timer } from './timer-heap.js';
import type { Visitor } from './visitor.js';

export interface SessionOptions<D> {
  /** The state a new session (and every clone) starts in. */
  readonly initial: State<D>;
  /** Fresh per-session data; called again for every clone. */
  readonly data?: () => D;
  /** Messengers tagged with this protocol apply their commands here. */
  readonly protocol?: string;
  /** A side this session never sends through, allowed to stay unconnected (e.g. an echo server's B). */
  readonly terminal?: Side;
}

/**
 * The basic functional unit (§3.2): keeps the state of one communication and delegates
 * behaviour to shared State objects. It talks to its neighbours only through `send`.
 */
export class Session<D = unknown> extends ConduitBase {
  readonly kind = 'session';
  readonly a: Port = new Port(this, 'A');
  readonly b: Port = new Port(this, 'B');
  readonly protocol: string | undefined;
  state: State<D>;
  data: D;
  readonly #options: SessionOptions<D>;
  #timers = new Map<string, Timer>();

  constructor(name: string, options: SessionOptions<D>) {
    super(name);
    this.#options = options;
    this.protocol = options.protocol;
    this.state = options.initial;
    this.data = options.data ? options.data() : (undefined as D);
  }

  ports(): readonly Port[] {
    return [this.a, this.b];
  }

  override optionalPorts(): readonly Port[] {
    const t = this.#options.terminal;
    return t === undefined ? [] : [t === 'A' ? this.a : this.b];
  }

  clone(): Conduit {
    return new Session<D>(this.name, this.#options);
  }

  protected visit(visitor: Visitor, from: Port): void {
    visitor.atSession(this as Session<unknown>, from);
  }

  /** A message arrived (Visitor → Command): apply its Messenger to the current state. */
  apply(msg: Message, from: Port): void {
    const m = msg.messenger;
    // The default messenger only calls the state's accept: skip a call level on the hot path.
    if (m === Deliver || (m.protocol !== undefined && m.protocol !== this.protocol))
      this.state.accept(this, msg, from.side);
    else m.apply(this as Session<unknown>, msg, from.side);
  }

  /** Send through one of this session's sides to the neighbour there. */
  send(side: Side, visitor: Visitor): void {
    this.sendVia(side === 'A' ? this.a : this.b, visitor);
  }

  /** Pass a message on, out of the side opposite to the one it came in through. */
  forward(msg: Message, from: Side): void {
    this.sendVia(from === 'A' ? this.b : this.a, msg);
  }

  /** Switch state (State pattern), running exit/enter hooks. The graph's shape changes with it (its epoch moves on). */
  changeState(next: State<D>): void {
    if (next === this.state) return;
    this.state.exit?.(this);
    this.state = next;
    (this.graph as Graph | undefined)?.rewired();
    next.enter?.(this);
  }

  /** A session declares what its current state does. */
  override declared(): Declaration | undefined {
    return this.state.declares;
  }

  /** Ask the framework for a timer: after `delay` ms the state's `timeout(session, tag)` runs. Resetting a tag replaces it. */
  setTimer(delay: number, tag: string): void {
    this.cancelTimer(tag);
    this.#timers.set(
      tag,
      this.graph.scheduler.after(delay, () => {
        this.#timers.delete(tag);
        try {
          this.state.timeout?.(this, tag);
        } catch (error) {
          this.graph.fault(this, this.a, timerVisitor, error);
        }
      }),
    );
  }

  cancelTimer(tag: string): void {
    const t = this.#timers.get(tag);
    if (t) {
      this.graph.scheduler.cancel(t);
      this.#timers.delete(tag);
    }
  }

  /**
   * This conversation has authenticated its peer: the mux it hangs from (directly, or through
   * the Protocols it is inside) admits it out of the factory's half-open set. False if it was
   * not half-open.
   */
  admitted(): boolean {
    for (let c: Conduit | null = this; c !== null; c = c.parent) {
      const p = c.a.peer;
      if (p !== null && p.owner.kind === 'mux') return (p.owner as Mux<unknown>).admit(p.key);
    }
    return false;
  }

  /** Cancel every timer this session has set (they leave the scheduler's heap at once). */
  cancelTimers(): void {
    for (const t of this.#timers.values()) this.graph.scheduler.cancel(t);
    this.#timers.clear();
  }

  /** Cancel every timer (a session being removed). */
  close(): void {
    this.cancelTimers();
  }

  /** Where a message leaving through `side` will go next (for diagnostics). */
  neighbour(side: Side): string {
    const p = (side === 'A' ? this.a : this.b).peer;
    return p === null ? '(unconnected)' : p.toString();
  }
}

/** Stands for a timer in fault reports. */
const timerVisitor: Visitor = {
  name: 'timer',
  atSession() {},
  atMux() {},
  atFactory() {},
  atAdaptor() {},
  atProtocol() {},
};
