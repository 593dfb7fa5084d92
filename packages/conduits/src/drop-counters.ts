/** Dropped messages counted by reason, in total and per conduit. Touched only when something is dropped. */
export class DropCounters {
  #byReason = new Map<string, number>();
  #byConduit = new Map<string, Map<string, number>>();
  #total = 0;

  count(conduit: string, reason: string): void {
    this.#total++;
    this.#byReason.set(reason, (this.#byReason.get(reason) ?? 0) + 1);
    let m = this.#byConduit.get(conduit);
    if (m === undefined) this.#byConduit.set(conduit, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + 1);
  }

  get total(): number {
    return this.#total;
  }

  /** Drops for `reason`, everywhere or at one conduit. */
  get(reason: string, conduit?: string): number {
    if (conduit === undefined) return this.#byReason.get(reason) ?? 0;
    return this.#byConduit.get(conduit)?.get(reason) ?? 0;
  }

  /** `{ reason: count }`, sorted by reason. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#byReason].sort(([a], [b]) => a.localeCompare(b)));
  }
}
