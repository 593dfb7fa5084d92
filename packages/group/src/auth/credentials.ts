/**
 * How members prove who they are. Ed25519 keys (certificates reduced to a registered public
 * key), or passwords: the password never keys anything itself; P_a = scrypt(password,
 * "conduits-group" ‖ group ‖ name), memory-hard, is what the leader stores and the proofs use.
 * Either way the session's K_a comes from a fresh X25519 exchange, so a long-term secret never
 * becomes a session key (Dutertre's fix of Antigone's σ_SL,A).
 */
import type { CryptoEngine, ScryptParams, SigningKey } from '@conduits/crypto';

/** scrypt at the strength RFC 7914 suggests for interactive logins. */
export const interactiveScrypt: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1, dkLen: 32 });
/** Small enough for tests on a shared 2-core machine; never for real passwords. */
export const testScrypt: ScryptParams = Object.freeze({ N: 2 ** 10, r: 8, p: 1, dkLen: 32 });

const te = new TextEncoder();

export function passwordKey(
  engine: CryptoEngine,
  password: string,
  group: string,
  name: string,
  params: ScryptParams = interactiveScrypt,
): Uint8Array {
  const salt = te.encode(`conduits-group\u0000${group}\u0000${name}`);
  return engine.scrypt(te.encode(password), salt, params);
}

/** What a member holds. */
export type MemberCredential =
  | { readonly kind: 'ed25519'; readonly key: SigningKey }
  | { readonly kind: 'password'; readonly passwordKey: Uint8Array };

/** What the leader holds for a registered member. */
export type RegisteredMember =
  | { readonly kind: 'ed25519'; readonly publicKey: Uint8Array }
  | { readonly kind: 'password'; readonly passwordKey: Uint8Array };

export const Method = { ed25519: 1, password: 2 } as const;
