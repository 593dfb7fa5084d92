import {
  carrierLedger,
  carrierMark,
  setCarrierChecks,
  takeOwnershipErrors,
} from '../carrier-checks.js';
import { CarrierLeakError } from '../errors.js';

type Hook = (fn: () => void) => void;

export interface CarrierCheckOptions {
  readonly beforeEach: Hook;
  readonly afterEach: Hook;
  /** Where to report carriers that never entered a graph (see `leaks`). */
  readonly afterAll?: Hook;
  /**
   * Which unreleased carriers fail a test: `'all'`, or `'sent'`, only those that entered a
   * graph (a conduit kept one without releasing it); carriers a test filled and never sent
   * are then tallied and reported once, in `afterAll`.
   * @default 'all'
   */
  readonly leaks?: 'all' | 'sent';
  /** Reports the tally of `leaks: 'sent'`. @default nothing */
  readonly report?: (line: string) => void;
}

/**
 * Run a test suite with carrier checks (see carrier-checks.ts): pass your runner's hooks,
 * once, from a setup file (`checkCarriers({ beforeEach, afterEach })`). Then a use after
 * release or a double release throws where it happens, and fails the test even when it
 * happened inside a handler the graph isolates; a test that leaves carriers unreleased
 * fails with a `CarrierLeakError` naming where each one stopped.
 */
export function checkCarriers(options: CarrierCheckOptions): void {
  setCarrierChecks(true);
  const unsent: string[] = [];
  options.beforeEach(() => carrierMark());
  options.afterEach(() => {
    const swallowed = takeOwnershipErrors();
    const leaked: string[] = [];
    let scratch = 0;
    for (const m of carrierLedger.live) {
      if (options.leaks === 'sent' && m.heldBy === 0) scratch++;
      else leaked.push(m.describe());
    }
    carrierMark();
    if (scratch > 0) unsent.push(`${scratch} (${currentTestName()})`);
    if (swallowed.length > 0) throw swallowed[0];
    if (leaked.length > 0) throw new CarrierLeakError(leaked);
  });
  options.afterAll?.(() => {
    if (unsent.length > 0)
      options.report?.(
        `carrier checks: carriers filled, never sent and never released: ${unsent.join(', ')}`,
      );
    unsent.length = 0;
  });
}

/** The running test's name, where the runner says it (jest's expect.getState). */
function currentTestName(): string {
  const g = globalThis as { expect?: { getState?: () => { currentTestName?: string } } };
  return g.expect?.getState?.().currentTestName ?? 'a test';
}

/** The carriers alive now (acquired since the last mark, not released), each as where it stopped and what it holds. */
export function liveCarriers(): string[] {
  return [...carrierLedger.live].map((m) => m.describe());
}

export { carrierMark, setCarrierChecks, takeOwnershipErrors } from '../carrier-checks.js';
