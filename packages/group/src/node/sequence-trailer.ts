/**
 * Antigone's new-member key message carries S_SL outside the σ-encryption, integrity-protected
 * only by {H(...)}_K_g: S_SL ‖ HMAC(K_g-derived, S_SL), 4 + 16 bytes after the sealed welcome.
 * Every member holds K_g, so any member can change S_SL and recompute the tag (the flaw).
 */
import { constantTimeEqual, type CryptoEngine } from '@conduits/crypto';

const te = new TextEncoder();
export const TRAILER = 20;

function macKey(engine: CryptoEngine, groupKey: Uint8Array) {
  const k = engine.hkdf(
    'sha256',
    groupKey,
    new Uint8Array(0),
    te.encode('antigone sequence mac'),
    32,
  );
  const m = engine.mac('hmac-sha256', k, 16);
  k.fill(0);
  return m;
}

export function sequenceTrailer(
  engine: CryptoEngine,
  groupKey: Uint8Array,
  sequence: number,
): Uint8Array {
  const out = new Uint8Array(TRAILER);
  new DataView(out.buffer).setUint32(0, sequence >>> 0);
  const m = macKey(engine, groupKey);
  out.set(m.compute(out.subarray(0, 4)), 4);
  m.destroy();
  return out;
}

/** S_SL from a trailer whose tag verifies under `groupKey`, else null. */
export function readSequenceTrailer(
  engine: CryptoEngine,
  groupKey: Uint8Array,
  trailer: Uint8Array,
): number | null {
  if (trailer.length !== TRAILER) return null;
  const m = macKey(engine, groupKey);
  const tag = m.compute(trailer.subarray(0, 4));
  m.destroy();
  if (!constantTimeEqual(tag, trailer.subarray(4))) return null;
  return new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0);
}
