/**
 * @conduits/proactive: the cryptographic core of a proactive security toolkit (Herzberg et
 * al.): keys shared among n servers so that an adversary breaking into t of them per period,
 * different ones each period, learns and corrupts nothing. Round messages and their encoding
 * are in `/codec`; the VSS arithmetic and the dealing rounds underneath in `/internal`.
 */
export { Dkg, type DkgOptions } from './dkg.js';
export {
  BadSignatureShareError,
  NonceExhaustedError,
  NotEnoughPartiesError,
  ProactiveError,
  ThresholdParameterError,
  VerificationError,
} from './errors.js';
export { KeyShare } from './key-share.js';
export { Refresh, type RefreshOptions } from './refresh.js';
export type { Outgoing, RoundProtocol } from './round-protocol.js';
export {
  FrostCoordinator,
  frostIdentifier,
  frostPublicData,
  FrostSigner,
  verifyFrostSignature,
  type FrostPublicData,
  type NonceCommitment,
  type SignatureShare,
  type SigningPackage,
} from './frost.js';
export { GivenSecret, randomJointSecret, type GivenSecretOptions } from './joint-secret.js';
export { JointRandom, type JointRandomOptions, type JointRandomResult } from './joint-random.js';
export { Recovery, type RecoveryOptions, type RecoveryResult } from './recovery.js';
export { Reshare, type ReshareOptions } from './reshare.js';
export type {
  CommitMessage,
  ContributionMessage,
  RevealMessage,
  SignatureShareMessage,
} from './messages.js';
export {
  FrostSigning,
  type ExclusionReason,
  type FrostSigningOptions,
  type FrostSigningResult,
} from './frost-signing.js';
export {
  BroadcastChannel,
  type DropReason,
  type Envelope,
  type ServerIdentity,
} from './conduit/broadcast-channel.js';
export { decodeMessage, encodeMessage, type RoundMessage } from './conduit/codec.js';
export { ProactiveNode, type NodeOptions, type RunOutcome } from './conduit/proactive-node.js';
export { RoundTask } from './conduit/round-task.js';
export { NetworkAdaptor } from './conduit/network-adaptor.js';
export { NodeCipherState } from './conduit/node-cipher.js';
export { nodeCoderState } from './conduit/node-coder.js';
export { NodeFsmState } from './conduit/node-fsm.js';
export { nodeProtocol } from './conduit/node-protocol.js';
export { decodePlainFrame, encodePlainFrame } from './conduit/frame-coder.js';
export { SimulatedServers, type SimulatedServersOptions } from './conduit/simulated-servers.js';
