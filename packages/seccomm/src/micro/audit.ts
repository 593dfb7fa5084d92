/**
 * SecurityAudit: records every securityAlert raised in the connection — a count per reason
 * (reasons are the fixed words micro-protocols refuse with, so the map stays small) and the
 * most recent alerts in a ring of fixed size. A flood of forged frames costs counters, not
 * memory: the log never holds more than `capacity` alerts.
 */
import { sharedKey, type CompositeProtocol, type MicroProtocol } from '@conduits/core';
import { securityAlert, type SecurityAlert } from '../runtime/events.js';

export class SecurityAuditLog {
  /** Alerts recorded since the connection opened. */
  total = 0;
  readonly #counts = new Map<string, number>();
  readonly #ring: (SecurityAlert | undefined)[];
  #next = 0;

  /** @param capacity how many of the latest alerts are kept. @default 256 */
  constructor(readonly capacity = 256) {
    this.#ring = new Array<SecurityAlert | undefined>(capacity);
  }

  record(a: SecurityAlert): void {
    this.total++;
    this.#counts.set(a.reason, (this.#counts.get(a.reason) ?? 0) + 1);
    this.#ring[this.#next] = a;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** Alerts by reason, all of them. */
  get counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** How many alerts the ring holds now (at most `capacity`). */
  get length(): number {
    return Math.min(this.total, this.capacity);
  }

  /** The alerts kept, oldest first. */
  recent(): SecurityAlert[] {
    const out: SecurityAlert[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const a = this.#ring[(this.#next + i) % this.capacity];
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  map<T>(f: (a: SecurityAlert, i: number) => T): T[] {
    return this.recent().map(f);
  }

  [Symbol.iterator](): Iterator<SecurityAlert> {
    return this.recent()[Symbol.iterator]();
  }
}

export const AuditLog = sharedKey<SecurityAuditLog>('AuditLog', () => new SecurityAuditLog());

export function securityAudit(): MicroProtocol {
  return {
    name: 'security-audit',
    start(c: CompositeProtocol) {
      const log = c.shared.get(AuditLog);
      c.runtime.bind(securityAlert, (a: SecurityAlert) => log.record(a), 0, null, 'security-audit');
    },
  };
}
