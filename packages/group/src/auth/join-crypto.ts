/**
 * The join's cryptography (a SIGMA-style authenticated exchange):
 *
 *   A → L  HELLO      name, method, N1, X25519 e_A
 *   L → A  CHALLENGE  id, N2, e_L, proof_L
 *   A → L  PROOF      proof_A
 *
 * T = SHA-256("conduits-group join v1" ‖ group ‖ name ‖ id ‖ method ‖ N1 ‖ N2 ‖ e_A ‖ e_L);
 * proof_X = Ed25519 signature over ("L"|"A" ‖ T), or HMAC-SHA256(P_a, "L"|"A" ‖ T) with a
 * password. K_a = HKDF-SHA256(DH(e_A, e_L), salt N1 ‖ N2, info T): fresh every session.
 *
 * Antigone's σ_SL,A (the published preset) is instead f(long-term key, SL): the same in every
 * session, which is the flaw.
 */
import { constantTimeEqual, type CryptoEngine } from '@conduits/crypto';
import { Writer } from '../codec/writer.js';

const te = new TextEncoder();

export interface JoinTranscript {
  readonly group: Uint8Array;
  readonly name: string;
  readonly id: number;
  readonly method: number;
  readonly n1: Uint8Array;
  readonly n2: Uint8Array;
  readonly ea: Uint8Array;
  readonly el: Uint8Array;
}

export function transcript(engine: CryptoEngine, t: JoinTranscript): Uint8Array {
  const w = new Writer(256)
    .text('conduits-group join v1')
    .raw(t.group)
    .text(t.name)
    .u32(t.id)
    .u8(t.method)
    .bytes(t.n1)
    .bytes(t.n2)
    .bytes(t.ea)
    .bytes(t.el);
  return engine.hash('sha256', w.finish());
}

export function proofInput(role: 'L' | 'A', t: Uint8Array): Uint8Array {
  return new Uint8Array([role.charCodeAt(0), ...t]);
}

export function macProof(
  engine: CryptoEngine,
  passwordKey: Uint8Array,
  role: 'L' | 'A',
  t: Uint8Array,
): Uint8Array {
  const m = engine.mac('hmac-sha256', passwordKey);
  const tag = m.compute(proofInput(role, t));
  m.destroy();
  return tag;
}

export function macProofOk(
  engine: CryptoEngine,
  passwordKey: Uint8Array,
  role: 'L' | 'A',
  t: Uint8Array,
  tag: Uint8Array,
): boolean {
  const expect = macProof(engine, passwordKey, role, t);
  return tag.length === expect.length && constantTimeEqual(tag, expect);
}

/** K_a from the exchange's shared secret. */
export function sessionKey(
  engine: CryptoEngine,
  shared: Uint8Array,
  n1: Uint8Array,
  n2: Uint8Array,
  t: Uint8Array,
): Uint8Array {
  return engine.hkdf('sha256', shared, new Uint8Array([...n1, ...n2]), t, 32);
}

/** Antigone's σ_SL,A = {SL}_K_A, here HKDF(K_A, "sigma" ‖ SL): no freshness at all (published preset only). */
export function sigma(engine: CryptoEngine, longTerm: Uint8Array, leader: string): Uint8Array {
  return engine.hkdf(
    'sha256',
    longTerm,
    new Uint8Array(0),
    te.encode(`antigone sigma\u0000${leader}`),
    32,
  );
}
