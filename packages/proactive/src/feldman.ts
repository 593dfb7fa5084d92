/** Feldman's verifiable secret sharing check: G·s_i = Σ C_k·i^k. */
import type { Group, GroupPoint, SecretScalar } from '@conduits/crypto';

/** The point a share at `index` must map to under the commitments. */
export function expectedSharePoint(
  group: Group,
  commitments: readonly GroupPoint[],
  index: number,
): GroupPoint {
  return group.evaluateCommitment(commitments, BigInt(index));
}

/** A secret share against its dealer's commitments. */
export function verifyShare(
  group: Group,
  commitments: readonly GroupPoint[],
  index: number,
  share: SecretScalar,
): boolean {
  return share.publicPoint().equals(expectedSharePoint(group, commitments, index));
}

/** A share made public (revealed in answer to a complaint) against the commitments. */
export function verifyPublicShare(
  group: Group,
  commitments: readonly GroupPoint[],
  index: number,
  share: bigint,
): boolean {
  return group.base(share).equals(expectedSharePoint(group, commitments, index));
}
