import { Observable, Subject } from 'rxjs';
import { Adaptor } from './adaptor.js';
import type { Conduit } from './conduit.js';
import { edge } from './edge.js';
import { defaultPool, type Message, type MessagePool } from './message.js';
import type { Port } from './port.js';

/** What the application receives on the Observable edge: a copy, safe to keep. */
export interface Delivery {
  readonly time: number;
  readonly data: Uint8Array;
  /** The message's attributes as name → value, as they were on arrival. */
  readonly attributes: ReadonlyMap<string, unknown>;
}

/**
 * Connects application code to the top of a graph. `send()` enqueues bytes; delivered
 * messages reach `onMessage` handlers zero-copy (valid only during the call) and the
 * `messages$` Observable as copies.
 */
export class ApplicationAdaptor extends Adaptor {
  readonly #pool: MessagePool;
  readonly #subject = new Subject<Delivery>();
  #handlers: ((msg: Message) => void)[] = [];
  #observers = 0;
  #delivered = 0;

  constructor(name: string, pool: MessagePool = defaultPool) {
    super(name);
    this.#pool = pool;
  }

  get delivered(): number {
    return this.#delivered;
  }

  clone(): Conduit {
    return new ApplicationAdaptor(this.name, this.#pool);
  }

  /** Send bytes into the graph; `prepare` may set attributes on the message first. */
  send(data: Uint8Array, prepare?: (msg: Message) => void): void {
    const msg = this.#pool.from(data);
    prepare?.(msg);
    this.inject(msg);
  }

  /** Zero-copy delivery: the message is released after `handler` returns. */
  onMessage(handler: (msg: Message) => void): () => void {
    this.#handlers = [...this.#handlers, handler];
    return () => {
      this.#handlers = this.#handlers.filter((h) => h !== handler);
    };
  }

  /** An Edge: a subscriber that throws is counted and raised as a fault of this adaptor; delivery goes on. */
  get messages$(): Observable<Delivery> {
    const messages = new Observable<Delivery>((subscriber) => {
      this.#observers++;
      const sub = this.#subject.subscribe(subscriber);
      return () => {
        this.#observers--;
        sub.unsubscribe();
      };
    });
    return edge(messages, (error) => this.graph.edgeFault(this.name, error));
  }

  deliver(msg: Message, _from: Port): void {
    this.#delivered++;
    for (const h of this.#handlers) h(msg);
    if (this.#observers > 0) {
      const attributes = new Map<string, unknown>();
      msg.attrs.forEach((k, v) => attributes.set(k.name, v));
      this.#subject.next({ time: this.graph.scheduler.now(), data: msg.buffer.copy(), attributes });
    }
    msg.release();
  }
}
