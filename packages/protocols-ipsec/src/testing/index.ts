/**
 * The IPsec test kit (`@conduits/protocols-ipsec/testing`): knobs that known-answer tests need
 * and production configuration must not have.
 */
import { fixCipherIvs } from '../conduits/sa-protocol.js';
import {
  cipherOf,
  noProtectionAllowed,
  type SaConfig,
  type SecurityAssociation,
} from '../security-association.js';

/**
 * Known-answer tests only: make `sa` send with the IVs `ivFor` gives (an RFC's example packet).
 */
export function fixIvs(
  sa: SecurityAssociation,
  ivFor: (seq: number) => Uint8Array,
): SecurityAssociation {
  fixCipherIvs(cipherOf(sa), ivFor);
  return sa;
}

/**
 * Benchmarks only: let `config` make an SA with NULL encryption and no integrity (RFC 4303 §3.2
 * requires one of the two), to measure the framework's own cost. Returns the same object.
 */
export function allowNoProtection<C extends SaConfig>(config: C): C {
  noProtectionAllowed.add(config);
  return config;
}
