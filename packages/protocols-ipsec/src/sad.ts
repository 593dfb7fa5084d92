/**
 * The Security Association Database (RFC 4301 §4.4.2): SAs by SPI, inbound and outbound, and
 * named SA bundles that SPD rules point at. The SAD owns every SA's life on the scheduler's
 * clock: it sets the time lifetimes from the SA's creation (whether or not a packet ever uses
 * it), publishes what happens on `events$`, and on hard expiry deletes the SA and wipes its keys.
 */
import type { Scheduler, Timer } from '@conduits/core';
import { Subject, type Observable } from 'rxjs';
import {
  SecurityAssociation,
  type SaConfig,
  type SaLifecycleEvent,
  type Spi,
} from './security-association.js';

export type SadEvent =
  | { readonly kind: 'added'; readonly sa: SecurityAssociation; readonly time: number }
  | {
      readonly kind: 'soft-expiry' | 'hard-expiry';
      readonly sa: SecurityAssociation;
      readonly time: number;
    }
  /** A number space is used up: outbound sequence numbers (RFC 4303 §3.3.3) or the top of a 32-bit replay window. */
  | {
      readonly kind: 'exhausted';
      readonly sa: SecurityAssociation;
      readonly what: 'sequence' | 'replay-window';
      readonly time: number;
    }
  /** Gone, keys wiped: by hard expiry or by `delete`. */
  | {
      readonly kind: 'deleted';
      readonly sa: SecurityAssociation;
      readonly reason: 'hard-expiry' | 'removed';
      readonly time: number;
    };

export interface SadOptions {
  /** The clock and timers of the SAs' lifetimes. Without one, the first graph the SAD serves gives its own (`useScheduler`). */
  readonly scheduler?: Scheduler;
}

export class SecurityAssociationDatabase {
  readonly #inbound = new Map<number, SecurityAssociation>();
  readonly #inboundAh = new Map<number, SecurityAssociation>();
  /** Outbound SPIs are ours to choose: one table for both protocols, so a bundle names SAs by SPI alone. */
  readonly #outbound = new Map<number, SecurityAssociation>();
  readonly #bundles = new Map<string, readonly Spi[]>();
  readonly #timers = new Map<SecurityAssociation, Timer[]>();
  readonly #events = new Subject<SadEvent>();
  readonly #onEvent = (sa: SecurityAssociation, e: SaLifecycleEvent): void =>
    this.#lifecycle(sa, e);
  #scheduler: Scheduler | null = null;

  constructor(options: SadOptions = {}) {
    if (options.scheduler !== undefined) this.useScheduler(options.scheduler);
  }

  /** Added, soft and hard expiry, exhaustion, deletion: what a key manager acts on. */
  get events$(): Observable<SadEvent> {
    return this.#events.asObservable();
  }

  get scheduler(): Scheduler | null {
    return this.#scheduler;
  }

  /**
   * Run the SAs' lifetimes on `scheduler`'s clock. The host's IPsec layer and the gateway call
   * this when they are built; SAs already held get their timers then, counted from their
   * creation time. A SAD lives on one clock: another scheduler is refused.
   */
  useScheduler(scheduler: Scheduler): void {
    if (this.#scheduler === scheduler) return;
    if (this.#scheduler !== null)
      throw new RangeError('this SAD already runs on another scheduler');
    this.#scheduler = scheduler;
    for (const sa of this.all()) this.#arm(sa);
  }

  #table(
    direction: 'inbound' | 'outbound',
    protocol: 'esp' | 'ah',
  ): Map<number, SecurityAssociation> {
    return direction === 'outbound'
      ? this.#outbound
      : protocol === 'ah'
        ? this.#inboundAh
        : this.#inbound;
  }

  add(sa: SecurityAssociation): SecurityAssociation {
    const table = this.#table(sa.direction, sa.protocol);
    if (table.has(sa.spi))
      throw new RangeError(
        `SAD already holds an ${sa.direction} SA with SPI 0x${sa.spi.toString(16)}`,
      );
    if (!sa.usable) throw new RangeError(`${sa.toString()} cannot be added: it has expired`);
    sa.ownedBy(this.#onEvent);
    table.set(sa.spi, sa);
    this.#emit({ kind: 'added', sa, time: this.#now() });
    this.#arm(sa);
    return sa;
  }

  /** A new SA, created now on the SAD's clock (or at `now`, for an SA that began elsewhere). */
  create(config: SaConfig, now = this.#now()): SecurityAssociation {
    return this.add(new SecurityAssociation(config, now));
  }

  inbound(spi: number, protocol: 'esp' | 'ah' = 'esp'): SecurityAssociation | undefined {
    return (protocol === 'ah' ? this.#inboundAh : this.#inbound).get(spi);
  }

  outbound(spi: number): SecurityAssociation | undefined {
    return this.#outbound.get(spi);
  }

  /** Remove and destroy (keys wiped). */
  delete(
    direction: 'inbound' | 'outbound',
    spi: Spi | number,
    protocol: 'esp' | 'ah' = 'esp',
  ): boolean {
    const sa = this.#table(direction, protocol).get(spi);
    if (sa === undefined) return false;
    this.#remove(sa, 'removed');
    return true;
  }

  /**
   * Name the outbound SAs a PROTECT rule applies (inner first). Repointing a bundle at a new SA
   * rekeys every rule that names it; the SAs need not exist yet (a missing one raises ACQUIRE).
   */
  setBundle(name: string, spis: Spi | readonly Spi[]): void {
    this.#bundles.set(name, typeof spis === 'number' ? [spis] : [...spis]);
  }

  bundle(name: string): readonly Spi[] | undefined {
    return this.#bundles.get(name);
  }

  deleteBundle(name: string): boolean {
    return this.#bundles.delete(name);
  }

  all(): SecurityAssociation[] {
    return [...this.#inbound.values(), ...this.#inboundAh.values(), ...this.#outbound.values()];
  }

  get size(): number {
    return this.#inbound.size + this.#inboundAh.size + this.#outbound.size;
  }

  #now(): number {
    return this.#scheduler?.now() ?? 0;
  }

  #emit(e: SadEvent): void {
    this.#events.next(e);
  }

  /** The SA's time lifetimes as timers from its creation; unref'd: an SA's lifetime does not keep a simulation running. */
  #arm(sa: SecurityAssociation): void {
    const sch = this.#scheduler;
    if (sch === null || this.#timers.has(sa)) return;
    const timers: Timer[] = [];
    for (const t of [sa.softLifetime.time, sa.hardLifetime.time]) {
      if (t === undefined) continue;
      timers.push(
        sch.unref(sch.at(Math.max(sch.now(), sa.createdAt + t), () => sa.checkTime(sch.now()))),
      );
    }
    this.#timers.set(sa, timers);
  }

  #lifecycle(sa: SecurityAssociation, e: SaLifecycleEvent): void {
    const time = this.#now();
    if (e === 'soft') return this.#emit({ kind: 'soft-expiry', sa, time });
    if (e === 'sequence-exhausted' || e === 'replay-window-exhausted')
      return this.#emit({
        kind: 'exhausted',
        sa,
        what: e === 'sequence-exhausted' ? 'sequence' : 'replay-window',
        time,
      });
    this.#emit({ kind: 'hard-expiry', sa, time });
    this.#remove(sa, 'hard-expiry');
  }

  #remove(sa: SecurityAssociation, reason: 'hard-expiry' | 'removed'): void {
    const table = this.#table(sa.direction, sa.protocol);
    if (table.get(sa.spi) !== sa) return;
    table.delete(sa.spi);
    for (const t of this.#timers.get(sa) ?? []) this.#scheduler?.cancel(t);
    this.#timers.delete(sa);
    sa.ownedBy(null);
    sa.destroy();
    this.#emit({ kind: 'deleted', sa, reason, time: this.#now() });
  }
}
