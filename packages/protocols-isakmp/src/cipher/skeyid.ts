/**
 * IKEv1 key derivation, RFC 2409 §5 and Appendix B, as pure functions over a crypto engine:
 * SKEYID for pre-shared keys and for signatures, SKEYID_d / _a / _e, the expansion of SKEYID_e
 * into a longer cipher key, the phase-1 IV and the IV of each later exchange (§5.5 / App. B),
 * and Quick Mode KEYMAT (§5.5). The PRF is the HMAC of the negotiated hash.
 */
import { type CryptoEngine, type HashAlgorithm, type MacAlgorithm } from '@conduits/crypto';

export type PrfHash = Extract<HashAlgorithm, 'sha1' | 'sha256' | 'sha384' | 'sha512'>;

const macOf: Record<PrfHash, MacAlgorithm> = {
  sha1: 'hmac-sha1',
  sha256: 'hmac-sha256',
  sha384: 'hmac-sha384',
  sha512: 'hmac-sha512',
};

/** prf(key, parts…) = HMAC-hash(key, parts…). The key object is wiped at once. */
export function prf(
  engine: CryptoEngine,
  hash: PrfHash,
  key: Uint8Array,
  ...parts: Uint8Array[]
): Uint8Array {
  return prfWith(engine, hash, key, undefined, parts);
}

function prfWith(
  engine: CryptoEngine,
  hash: PrfHash,
  key: Uint8Array,
  minKeyLength: number | undefined,
  parts: readonly Uint8Array[],
): Uint8Array {
  const k = engine.mac(
    macOf[hash],
    key,
    undefined,
    minKeyLength === undefined ? {} : { minKeyLength },
  );
  try {
    return k.compute(...parts);
  } finally {
    k.destroy();
  }
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b). */
export function skeyidPreSharedKey(
  engine: CryptoEngine,
  hash: PrfHash,
  psk: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
): Uint8Array {
  // The pre-shared key is whatever the peers were configured with (RFC 2409 §5 puts no bound
  // on it): the engine's minimum HMAC key length is for keys we make, not for this one.
  return prfWith(engine, hash, psk, 1, [ni, nr]);
}

/** RFC 2409 §5: SKEYID = prf(Ni_b | Nr_b, g^xy) for signatures. */
export function skeyidSignature(
  engine: CryptoEngine,
  hash: PrfHash,
  ni: Uint8Array,
  nr: Uint8Array,
  gxy: Uint8Array,
): Uint8Array {
  return prf(engine, hash, concat(ni, nr), gxy);
}

export interface SkeyidFamily {
  readonly d: Uint8Array;
  readonly a: Uint8Array;
  readonly e: Uint8Array;
}

/**
 * RFC 2409 §5:
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 */
export function deriveSkeyidFamily(
  engine: CryptoEngine,
  hash: PrfHash,
  skeyid: Uint8Array,
  gxy: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
): SkeyidFamily {
  const k = engine.mac(macOf[hash], skeyid);
  try {
    const d = k.compute(gxy, ckyI, ckyR, Uint8Array.of(0));
    const a = k.compute(d, gxy, ckyI, ckyR, Uint8Array.of(1));
    const e = k.compute(a, gxy, ckyI, ckyR, Uint8Array.of(2));
    return { d, a, e };
  } finally {
    k.destroy();
  }
}

/**
 * RFC 2409 Appendix B: the cipher key is the first bytes of SKEYID_e when it is long enough;
 * otherwise Ka = K1 | K2 | …, K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1).
 */
export function encryptionKey(
  engine: CryptoEngine,
  hash: PrfHash,
  skeyidE: Uint8Array,
  length: number,
): Uint8Array {
  if (skeyidE.length >= length) return skeyidE.slice(0, length);
  const k = engine.mac(macOf[hash], skeyidE);
  try {
    const out = new Uint8Array(length);
    let block = k.compute(Uint8Array.of(0));
    let at = 0;
    for (;;) {
      out.set(block.subarray(0, Math.min(block.length, length - at)), at);
      at += block.length;
      if (at >= length) return out;
      block = k.compute(block);
    }
  } finally {
    k.destroy();
  }
}

/** RFC 2409 Appendix B: the phase-1 IV = hash(g^xi | g^xr), cut to the block size. */
export function phase1Iv(
  engine: CryptoEngine,
  hash: PrfHash,
  gxi: Uint8Array,
  gxr: Uint8Array,
  blockSize: number,
): Uint8Array {
  return engine.hash(hash, gxi, gxr).slice(0, blockSize);
}

/** RFC 2409 Appendix B: a phase-2 / informational IV = hash(last phase-1 CBC output block | M-ID). */
export function phase2Iv(
  engine: CryptoEngine,
  hash: PrfHash,
  lastPhase1Block: Uint8Array,
  messageId: number,
  blockSize: number,
): Uint8Array {
  const mid = new Uint8Array(4);
  new DataView(mid.buffer).setUint32(0, messageId >>> 0);
  return engine.hash(hash, lastPhase1Block, mid).slice(0, blockSize);
}

/**
 * RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded
 * as K1 | K2 | … with Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 */
export function keymat(
  engine: CryptoEngine,
  hash: PrfHash,
  skeyidD: Uint8Array,
  protocol: number,
  spi: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
  length: number,
  gxyQm?: Uint8Array,
): Uint8Array {
  const k = engine.mac(macOf[hash], skeyidD);
  try {
    const tail = gxyQm
      ? [gxyQm, Uint8Array.of(protocol), spi, ni, nr]
      : [Uint8Array.of(protocol), spi, ni, nr];
    const out = new Uint8Array(length);
    let block = k.compute(...tail);
    let at = 0;
    for (;;) {
      out.set(block.subarray(0, Math.min(block.length, length - at)), at);
      at += block.length;
      if (at >= length) return out;
      block = k.compute(block, ...tail);
    }
  } finally {
    k.destroy();
  }
}
