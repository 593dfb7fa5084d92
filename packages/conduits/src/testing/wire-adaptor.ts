import { Adaptor } from '../adaptor.js';
import type { Conduit } from '../conduit.js';
import type { Message } from '../message.js';
import type { Port } from '../port.js';

/**
 * A zero-cost wire for benchmarks: hands the carrier itself to the other end's graph
 * (attributes cleared, as on a wire), with no copy, no delay and no timer. Use LinkAdaptor
 * when a test needs a real link's separation of the two ends.
 */
export class WireAdaptor extends Adaptor {
  other: WireAdaptor | null = null;
  clone(): Conduit {
    return new WireAdaptor(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    msg.attrs.clear();
    (this.other as WireAdaptor).inject(msg);
  }
}

export function wirePair(a: string, b: string): [WireAdaptor, WireAdaptor] {
  const x = new WireAdaptor(a);
  const y = new WireAdaptor(b);
  x.other = y;
  y.other = x;
  return [x, y];
}
