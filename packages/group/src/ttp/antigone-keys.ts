/**
 * Antigone's Leighton–Micali pair keys, with a PRF standing in for DES encryption:
 * {X}_K = HKDF-SHA256(K, info = "antigone enc" ‖ X). σ_SL,A = {SL}_K_A, π_SL,A = {A}_K_SL ⊕ σ_SL,A.
 */
import type { CryptoEngine } from '@conduits/crypto';

const te = new TextEncoder();

export function encryptName(engine: CryptoEngine, key: Uint8Array, name: string): Uint8Array {
  return engine.hkdf('sha256', key, new Uint8Array(0), te.encode(`antigone enc\u0000${name}`), 32);
}

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}
