/**
 * `@conduits/seccomm/internal`: what the micro-protocols share inside a composite — shared-data
 * keys, events, key tables, the push gate, key framing — for this workspace's tests. No stability promise.
 */
export { epochOf, KeyEpoch, Keys, Settings, type ConnectionSettings } from '../runtime/context.js';
export {
  AgreementKeys,
  AgreementPrivateKey,
  Participants,
  PrivateKey,
  PublicKeys,
} from '../runtime/context.js';
export { KeyObjects, KeyTable } from '../runtime/key-table.js';
export { Push, PushGate } from '../runtime/push-gate.js';
export { sendKeyMessage } from '../runtime/framing.js';
export { Services } from '../runtime/services.js';
export { DistributionQueue, Distributions, KeyMsg } from '../micro/key-distribution.js';
export {
  keyCreate,
  keyInstalled,
  keyMiss,
  keyMsgReceive,
  keyMsgSend,
  openSession,
  replaceKey,
  securityAlert,
  type KeyCreation,
} from '../runtime/events.js';
export { CaPublicKey, Certificates } from '../micro/public-key-acquisition.js';
export { Generation } from '../live/live-connection.js';
