/**
 * Carrier checks: the debug mode of message ownership (see Message). Off, a carrier costs a
 * flag test per release and nothing per hop. On (the test suite turns it on with
 * `checkCarriers()` from `@conduits/core/testing`):
 *
 * - every life of a carrier is its own Message object: the pool keeps the buffer and the
 *   attribute table and hands them out in a fresh Message, stamped with the next generation;
 *   the released one is left dead, its buffer and attributes replaced by objects that throw
 *   `ReleasedMessageError` on any access, and `release()` on it throws `DoubleReleaseError`.
 *   So a stale reference can never reach (or free) the carrier's next owner;
 * - the messages alive are listed, so a test that ends with carriers it never released is
 *   told which, and where they stopped;
 * - an ownership error thrown inside a handler, which the graph's fault isolation would
 *   otherwise turn into a mere alert, is kept, so the test fails all the same.
 */
import type { Conduit } from './conduit.js';
import type { Message } from './message.js';
import type { ReleasedMessageError } from './errors.js';

interface Ledger {
  /** Read on acquire and release: a property of a constant object, as cheap as a module flag. */
  on: boolean;
  readonly live: Set<Message>;
  /** Conduits by serial, to name where a leaked carrier stopped. */
  readonly conduits: Map<number, WeakRef<Conduit>>;
  readonly swallowed: ReleasedMessageError[];
}

export const carrierLedger: Ledger = {
  on: false,
  live: new Set(),
  swallowed: [],
  conduits: new Map(),
};

/** Turn the checks on or off (for the whole process: a test setup does it once). */
export function setCarrierChecks(on: boolean): void {
  carrierLedger.on = on;
  carrierLedger.live.clear();
  carrierLedger.swallowed.length = 0;
}

/** Forget what is alive now (carriers made outside a test, by module setup). */
export function carrierMark(): void {
  carrierLedger.live.clear();
  carrierLedger.swallowed.length = 0;
}

/**
 * Take the ownership errors graphs caught since the last mark (a handler used or released a
 * message it no longer owned): a test that provokes one on purpose takes it.
 */
export function takeOwnershipErrors(): ReleasedMessageError[] {
  return carrierLedger.swallowed.splice(0);
}
