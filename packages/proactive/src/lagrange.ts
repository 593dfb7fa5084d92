/** Lagrange coefficients over the scalars, for interpolating shares held at indices 1..n. */
import type { ScalarField } from '@conduits/crypto';
import { ThresholdParameterError } from './errors.js';

/** λ_i(x) for the point set `indices`: Π_{j≠i} (x − j)/(i − j). */
export function lagrangeAt(F: ScalarField, indices: readonly number[], i: number, x = 0n): bigint {
  let num = 1n;
  let den = 1n;
  let seen = false;
  for (const j of indices) {
    if (j === i) {
      if (seen) throw new ThresholdParameterError(`index ${i} appears twice`);
      seen = true;
      continue;
    }
    num = F.mul(num, F.sub(x, BigInt(j)));
    den = F.mul(den, F.sub(BigInt(i), BigInt(j)));
  }
  if (!seen) throw new ThresholdParameterError(`index ${i} is not in the set`);
  return F.mul(num, F.inv(den));
}
