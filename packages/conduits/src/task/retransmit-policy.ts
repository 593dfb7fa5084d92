/**
 * When a host sends its last message again: after `timeout` ms, then `timeout·backoff`,
 * `timeout·backoff²`, … (each at most `maxTimeout`), `tries` transmissions in all; the exchange
 * fails one timeout after the last. RFC 7296 §2.4's schedule, strongSwan's defaults scaled to
 * a simulation: 6 tries from 200 ms doubling send at 0, 200, 600, 1400, 3000 and 6200 ms and give
 * up at 12 600 ms.
 */
import { RetransmitPolicyError } from './task-errors.js';

export interface RetransmitPolicy {
  /** First timeout, ms. @default 200 */
  readonly timeout?: number;
  /** Transmissions in all, the first included. @default 6 */
  readonly tries?: number;
  /** Factor between successive timeouts. @default 2 */
  readonly backoff?: number;
  /** Longest single timeout, ms. @default Infinity */
  readonly maxTimeout?: number;
}

/** A policy with every field given and checked. */
export interface Retransmission {
  readonly timeout: number;
  readonly tries: number;
  readonly backoff: number;
  readonly maxTimeout: number;
}

/** Fill in defaults and refuse values that would loop forever or never wait (NaN, ∞ tries, 0 timeout). */
export function retransmission(policy: RetransmitPolicy = {}): Retransmission {
  const timeout = policy.timeout ?? 200;
  const tries = policy.tries ?? 6;
  const backoff = policy.backoff ?? 2;
  const maxTimeout = policy.maxTimeout ?? Number.POSITIVE_INFINITY;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)
    throw new RetransmitPolicyError('timeout', timeout);
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1)
    throw new RetransmitPolicyError('tries', tries);
  if (typeof backoff !== 'number' || !Number.isFinite(backoff) || backoff < 1)
    throw new RetransmitPolicyError('backoff', backoff);
  if (typeof maxTimeout !== 'number' || Number.isNaN(maxTimeout) || maxTimeout <= 0)
    throw new RetransmitPolicyError('maxTimeout', maxTimeout);
  return { timeout, tries, backoff, maxTimeout };
}

/** The timeout after transmission number `sent` (1 for the first). */
export function retransmitDelay(r: Retransmission, sent: number): number {
  return Math.min(r.timeout * r.backoff ** (sent - 1), r.maxTimeout);
}
