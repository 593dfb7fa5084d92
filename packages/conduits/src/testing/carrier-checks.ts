import { carrierMark, liveCarriers, setCarrierChecks, takeOwnershipErrors } from '../carrier-checks.js';
import { CarrierLeakError } from '../errors.js';

type Hook = (fn: () => void) => void;

/**
 * Run a test suite with carrier checks (see carrier-checks.ts): pass your runner's hooks,
 * once, from a setup file (`checkCarriers({ beforeEach, afterEach })`). Then a use after
 * release or a double release throws where it happens, even inside a handler the graph
 * isolates, and a test that leaves carriers unreleased fails with a `CarrierLeakError`
 * naming where each one stopped.
 */
export function checkCarriers(hooks: { readonly beforeEach: Hook; readonly afterEach: Hook }): void {
  setCarrierChecks(true);
  hooks.beforeEach(() => carrierMark());
  hooks.afterEach(() => {
    const swallowed = takeOwnershipErrors();
    const leaked = liveCarriers();
    carrierMark();
    if (swallowed.length > 0) throw swallowed[0];
    if (leaked.length > 0) throw new CarrierLeakError(leaked);
  });
}

export { carrierMark, liveCarriers, setCarrierChecks, takeOwnershipErrors } from '../carrier-checks.js';
