import { Adaptor } from '../adaptor.js';
import type { Conduit } from '../conduit.js';
import { defaultPool, type Message, type MessagePool } from '../message.js';
import type { Port } from '../port.js';

/**
 * One end of a point-to-point link on the scheduler's clock: what leaves a graph at one end
 * enters the other graph `delay` ms later. Two graphs on one scheduler talk through a pair.
 * (The network simulator has the full link model: loss, reordering, MTU, capture.)
 */
export class LinkAdaptor extends Adaptor {
  other: LinkAdaptor | null = null;
  readonly #pool: MessagePool;
  sent = 0;
  /** Test hook on the wire: return the bytes to carry (possibly altered), or null to lose the frame. */
  intercept: ((bytes: Uint8Array) => Uint8Array | null) | null = null;

  constructor(
    name: string,
    readonly delay = 1,
    pool: MessagePool = defaultPool,
  ) {
    super(name);
    this.#pool = pool;
  }

  clone(): Conduit {
    return new LinkAdaptor(this.name, this.delay, this.#pool);
  }

  deliver(msg: Message, _from: Port): void {
    const other = this.other;
    if (other === null) {
      this.drop(msg, 'link-down');
      return;
    }
    this.sent++;
    // Only the bytes cross the wire: stack and local attributes stay on this machine.
    const bytes =
      this.intercept === null ? msg.buffer.subarray() : this.intercept(msg.buffer.copy());
    if (bytes === null) {
      msg.release();
      return;
    }
    const copy = this.#pool.from(bytes);
    msg.release();
    this.graph.scheduler.after(this.delay, () => other.inject(copy));
  }
}

/** Two connected link ends. */
export function linkPair(a: string, b: string, delay = 1): [LinkAdaptor, LinkAdaptor] {
  const x = new LinkAdaptor(a, delay);
  const y = new LinkAdaptor(b, delay);
  x.other = y;
  y.other = x;
  return [x, y];
}
