/**
 * @conduits/crypto: the engine protocol code asks for algorithms by name (Java Conduits §3.3).
 * `engines.noble` is the default; `engines.node` uses OpenSSL through node:crypto.
 */
import type { CryptoEngine } from './engine.js';
import { nobleEngine } from './noble-engine.js';
import { nodeEngine } from './node-engine.js';

export * from './algorithms.js';
export type { MacOptions } from './checks.js';
export { constantTimeEqual, wipe } from './constant-time.js';
export type {
  AeadKey,
  CipherKey,
  CryptoEngine,
  Destroyable,
  KeyAgreementKey,
  MacKey,
  ScryptParams,
  SigningKey,
} from './engine.js';
export {
  CryptoError,
  InvalidKeyError,
  InvalidParameterError,
  KeyDestroyedError,
  UnsupportedAlgorithmError,
} from './errors.js';
export { Secret } from './secret.js';
export {
  groupNames,
  type Group,
  type GroupName,
  type GroupPoint,
  type RandomSource,
  type ScalarField,
  type SecretScalar,
} from './group.js';
export { nobleGroup } from './noble-groups.js';
export { nobleEngine, nodeEngine };

export const engines = { noble: nobleEngine, node: nodeEngine } as const satisfies Record<
  string,
  CryptoEngine
>;
export type EngineName = keyof typeof engines;

/** The engine used when none is named. */
export const defaultEngine: CryptoEngine = nobleEngine;

export function engineByName(name: string): CryptoEngine {
  const e = (engines as Record<string, CryptoEngine>)[name];
  if (e === undefined)
    throw new RangeError(
      `unknown crypto engine ${name} (have: ${Object.keys(engines).join(', ')})`,
    );
  return e;
}
