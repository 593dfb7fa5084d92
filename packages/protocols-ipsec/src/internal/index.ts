/**
 * `@conduits/protocols-ipsec/internal`: the layer's attributes and tables, the SPD's matching and
 * the transforms' mapping onto crypto algorithms, for this workspace's tests and tools. No stability promise.
 */
export { ReplayWindow, type ReplayVerdict } from '../anti-replay.js';
export {
  aeadAlgorithm,
  cipherAlgorithm,
  integrityMac,
  ivLength,
  padBlock,
  tsharkNames,
} from '../transforms.js';
export { openedInner, openedOuter } from '../policy-engine.js';
export { matches, protectionCode } from '../spd.js';
export {
  appliedProtection,
  innerSa,
  MAX_NESTING,
  outerSa,
  protectionTag,
} from '../conduits/ipsec-session.js';
export { inInterface, outInterface } from '../gateway.js';
