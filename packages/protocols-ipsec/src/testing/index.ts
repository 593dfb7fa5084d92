/**
 * The IPsec test kit (`@conduits/protocols-ipsec/testing`): knobs that known-answer tests need
 * and production configuration must not have.
 */
import { fixCipherIvs } from '../conduits/sa-protocol.js';
import { cipherOf, type SecurityAssociation } from '../security-association.js';

/**
 * Known-answer tests only: make `sa` send with the IVs `ivFor` gives (an RFC's example packet).
 */
export function fixIvs(sa: SecurityAssociation, ivFor: (seq: number) => Uint8Array): SecurityAssociation {
  fixCipherIvs(cipherOf(sa), ivFor);
  return sa;
}
