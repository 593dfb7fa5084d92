/** A scheduled callback. Cancelling takes it out of the heap at once (`Scheduler.cancel`). */
export class Timer {
  cancelled = false;
  /** A ref'd timer keeps an unbounded `Scheduler.run()` going; housekeeping timers are not ref'd. */
  ref = true;
  /** Where the timer sits in its heap; -1 when it is in none (fired, cancelled, or not yet pushed). */
  index = -1;
  constructor(
    public time: number,
    public seq: number,
    readonly period: number,
    readonly task: () => void,
  ) {}
}

/**
 * Binary min-heap on (time, seq): equal times fire in the order they were set. Each timer
 * knows its index, so `remove` takes a cancelled timer out in O(log n): a flood of set-and-
 * cancelled timers (a reassembly per fragment, a retransmission per message) leaves nothing
 * behind, where skipping dead timers when due kept them all until then.
 */
export class TimerHeap {
  #items: Timer[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Timer | undefined {
    return this.#items[0];
  }

  push(t: Timer): void {
    const a = this.#items;
    t.index = a.length;
    a.push(t);
    this.#up(t.index);
  }

  pop(): Timer | undefined {
    const a = this.#items;
    const top = a[0];
    if (top === undefined) return undefined;
    this.#removeAt(0);
    return top;
  }

  /** Take `t` out of the heap; false if it was not in it. */
  remove(t: Timer): boolean {
    const i = t.index;
    if (i < 0 || this.#items[i] !== t) return false;
    this.#removeAt(i);
    return true;
  }

  #removeAt(i: number): void {
    const a = this.#items;
    const gone = a[i] as Timer;
    const last = a.pop() as Timer;
    gone.index = -1;
    if (last === gone) return;
    a[i] = last;
    last.index = i;
    if (i > 0 && before(last, a[(i - 1) >> 1] as Timer)) this.#up(i);
    else this.#down(i);
  }

  #up(i: number): void {
    const a = this.#items;
    const t = a[i] as Timer;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as Timer;
      if (!before(t, parent)) break;
      a[i] = parent;
      parent.index = i;
      i = p;
    }
    a[i] = t;
    t.index = i;
  }

  #down(i: number): void {
    const a = this.#items;
    const t = a[i] as Timer;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(a[r] as Timer, a[l] as Timer) ? r : l;
      const child = a[m] as Timer;
      if (!before(child, t)) break;
      a[i] = child;
      child.index = i;
      i = m;
    }
    a[i] = t;
    t.index = i;
  }
}

function before(x: Timer, y: Timer): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}
