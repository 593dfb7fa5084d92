/**
 * The IPsec test kit (`@conduits/protocols-ipsec/testing`): knobs that known-answer tests need
 * and production configuration must not have.
 */
import { fixedIvs } from '../sa-keys.js';
import type { SecurityAssociation } from '../security-association.js';

/**
 * Known-answer tests only: make `sa` send with the IVs `ivFor` gives (an RFC's example packet).
 * Call it before the SA is first used: its Cipher session reads this when it is made.
 */
export function fixIvs(sa: SecurityAssociation, ivFor: (seq: number) => Uint8Array): SecurityAssociation {
  fixedIvs.set(sa, ivFor);
  return sa;
}
