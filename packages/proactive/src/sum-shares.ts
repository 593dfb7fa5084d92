/** Σ of secret shares (each stays the caller's); the sum is a new secret. */
import type { Group, SecretScalar } from '@conduits/crypto';

export function sumSecrets(
  group: Group,
  parts: Iterable<SecretScalar>,
  start?: SecretScalar,
): SecretScalar {
  let acc = start?.clone() ?? group.secretFromValue(0n);
  for (const p of parts) {
    const next = acc.plus(p);
    acc.destroy();
    acc = next;
  }
  return acc;
}
