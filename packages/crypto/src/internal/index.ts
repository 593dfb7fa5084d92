/**
 * `@conduits/crypto/internal`: the engines' own checks and the MODP group parameters (RFC 2409,
 * RFC 3526), exported for the tests of this workspace. Users name groups by string ('modp2048').
 */
export { ed25519PublicKeyAcceptable, hmacMinKeyLength } from '../checks.js';
export { MODP_MIN_EXPONENT_BYTES, modp1024, modp2048, type ModpGroup } from '../modp.js';
