/** Where the scheduler gets time from, in milliseconds. */
export interface Clock {
  readonly virtual: boolean;
  now(): number;
}

/** Simulated time: moves only when the scheduler advances it, so a 30 s timeout takes microseconds. */
export class VirtualClock implements Clock {
  readonly virtual = true;
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advanceTo(t: number): void {
    if (t > this.#now) this.#now = t;
  }
}

/** Wall-clock time, for graphs on real sockets. */
export class RealClock implements Clock {
  readonly virtual = false;
  now(): number {
    return performance.now();
  }
}
