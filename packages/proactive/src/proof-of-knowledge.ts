/**
 * A Schnorr proof of knowledge of a_0 for the commitment C_0 = G·a_0, bound to the dealer, the
 * session and the period (as in FROST's DKG, Komlo–Goldberg): without it a dealer could pick
 * its C_0 after seeing the others' and cancel their contributions (a rogue-key attack).
 */
import type { Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';
import { concatBytes } from '@noble/curves/utils.js';

const dst = 'conduits-proactive-dkg-pok-v1';

function context(dealer: number, session: number, period: number): Uint8Array {
  const b = new Uint8Array(9);
  const v = new DataView(b.buffer);
  v.setUint8(0, dealer);
  v.setUint32(1, session);
  v.setUint32(5, period);
  return b;
}

export function proveKnowledge(
  group: Group,
  a0: SecretScalar,
  dealer: number,
  session: number,
  period: number,
  random?: RandomSource,
): Uint8Array {
  const k = group.randomScalar(random);
  const R = k.publicPoint();
  const c = group.hashToScalar(
    dst,
    context(dealer, session, period),
    a0.publicPoint().toBytes(),
    R.toBytes(),
  );
  const z = k.plus(a0.times(c));
  k.destroy();
  // z is public (it reveals nothing about a_0 with k uniform).
  const proof = concatBytes(
    R.toBytes(),
    z.use((b) => b),
  );
  z.destroy();
  return proof;
}

export function verifyKnowledge(
  group: Group,
  c0: GroupPoint,
  proof: Uint8Array,
  dealer: number,
  session: number,
  period: number,
): boolean {
  if (proof.length !== group.pointLength + group.scalars.length) return false;
  const R = group.tryPoint(proof.subarray(0, group.pointLength));
  if (R === null) return false;
  let z: bigint;
  try {
    z = group.scalars.fromBytes(proof.subarray(group.pointLength));
  } catch {
    return false;
  }
  const c = group.hashToScalar(dst, context(dealer, session, period), c0.toBytes(), R.toBytes());
  return group.base(z).equals(R.add(c0.multiply(c)));
}
