/**
 * `@conduits/proactive/internal`: the arithmetic and rounds the protocols are built from
 * (Feldman and Pedersen VSS, Lagrange, polynomials, proofs of knowledge, the dealing round, the
 * round task), for this workspace's tests. No stability promise.
 */
export { DealingProtocol } from '../dealing-protocol.js';
export {
  DealingSession,
  type DealingOutcome,
  type DealingParams,
  type DisqualifyReason,
} from '../dealing-session.js';
export { expectedSharePoint, verifyPublicShare, verifyShare } from '../feldman.js';
export { combineCommitments } from '../key-share.js';
export { lagrangeAt } from '../lagrange.js';
export {
  PedersenDealing,
  pedersenGenerator,
  verifyPedersenShare,
  type PedersenShare,
} from '../pedersen.js';
export { SecretPolynomial } from '../polynomial.js';
export { proveKnowledge, verifyKnowledge } from '../proof-of-knowledge.js';
export { sumSecrets } from '../sum-shares.js';
export { RoundTask } from '../conduit/round-task.js';
