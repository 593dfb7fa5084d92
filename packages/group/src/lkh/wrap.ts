/**
 * One wrapped key of a rekey: node `node`'s new key sealed under the key of node `under`.
 * Bound wraps (the repaired group) derive the nonce from (epoch, node, under), unique per
 * wrapping key, and authenticate group ‖ epoch ‖ node ‖ under, so a wrap cannot be moved to
 * another group, epoch or place in the tree. Unbound wraps (Antigone's {g', K_g'}_σ blocks,
 * Enclaves 2.0's {K'_g}_Ka) carry a random nonce and bind nothing.
 */
import type { CryptoEngine } from '@conduits/crypto';

export const KEY = 32;
const WRAPPED = KEY + 16;
/** node(4) ‖ under(4) ‖ nonce(12) ‖ sealed(48). */
export const ENTRY = 8 + 12 + WRAPPED;

export interface WrapContext {
  readonly engine: CryptoEngine;
  readonly group: Uint8Array;
  readonly bound: boolean;
}

function nonceAndAad(
  group: Uint8Array,
  epoch: number,
  node: number,
  under: number,
): { nonce: Uint8Array; aad: Uint8Array } {
  const aad = new Uint8Array(8 + 12);
  aad.set(group, 0);
  const v = new DataView(aad.buffer);
  v.setUint32(8, epoch >>> 0);
  v.setUint32(12, node >>> 0);
  v.setUint32(16, under >>> 0);
  return { nonce: aad.subarray(8, 20), aad };
}

/** Write entry bytes for `newKey` of `node` under `wrapKey` (the key of `under`) into `out` at `at`. */
export function wrap(
  ctx: WrapContext,
  epoch: number,
  node: number,
  under: number,
  wrapKey: Uint8Array,
  newKey: Uint8Array,
  out: Uint8Array,
  at: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint32(at, node >>> 0);
  v.setUint32(at + 4, under >>> 0);
  const k = ctx.engine.aead('aes-256-gcm', wrapKey);
  if (ctx.bound) {
    const { nonce, aad } = nonceAndAad(ctx.group, epoch, node, under);
    out.set(nonce, at + 8);
    out.set(k.seal(nonce, newKey, aad), at + 20);
  } else {
    const nonce = ctx.engine.randomBytes(12);
    out.set(nonce, at + 8);
    out.set(k.seal(nonce, newKey), at + 20);
  }
  k.destroy();
}

/** Open entry at `at` with `wrapKey`; null if it does not verify (or, bound, was moved). */
export function unwrap(
  ctx: WrapContext,
  epoch: number,
  entries: Uint8Array,
  at: number,
  wrapKey: Uint8Array,
): Uint8Array | null {
  const v = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const node = v.getUint32(at);
  const under = v.getUint32(at + 4);
  const nonce = entries.subarray(at + 8, at + 20);
  const sealed = entries.subarray(at + 20, at + ENTRY);
  const k = ctx.engine.aead('aes-256-gcm', wrapKey);
  try {
    if (!ctx.bound) return k.open(nonce, sealed);
    const expect = nonceAndAad(ctx.group, epoch, node, under);
    for (let i = 0; i < 12; i++) if (nonce[i] !== expect.nonce[i]) return null;
    return k.open(nonce, sealed, expect.aad);
  } finally {
    k.destroy();
  }
}

export function entryNode(entries: Uint8Array, at: number): { node: number; under: number } {
  const v = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  return { node: v.getUint32(at), under: v.getUint32(at + 4) };
}
