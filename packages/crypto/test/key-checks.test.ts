/**
 * Key checks (issue 10), the same on both engines: MODP private exponents of a minimum size and
 * public values in range, HMAC keys of a minimum length (RFC 2104 §3), small-order public keys
 * refused for Ed25519 (the identity key verifies a fixed forgery for any message) and X25519
 * (an all-zero shared secret).
 */
import { engines, InvalidKeyError, type CryptoEngine, type MacAlgorithm } from '@conduits/crypto';
import { hmacMinKeyLength, modp1024, modp2048 } from '@conduits/crypto/internal';
import { hex } from './vectors.js';

const both = Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]);

/** Ed25519 encodings of the eight points of small order (identity, order 2, 4 and 8), as libsodium blocks them. */
const smallOrderEd25519 = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];

/** X25519 u-coordinates of small order (RFC 7748 §6.1's all-zero check catches them all). */
const smallOrderX25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

describe.each(both)('%s engine key checks', (_n, engine) => {
  test('MODP: a private exponent shorter than 32 bytes (0 bytes gives public value 1) is refused', () => {
    for (const group of ['modp1024', 'modp2048'] as const) {
      for (const n of [0, 1, 16, 31])
        expect(() => engine.keyAgreement(group, new Uint8Array(n).fill(0x5a))).toThrow(
          InvalidKeyError,
        );
      expect(() => engine.keyAgreement(group, new Uint8Array(32))).toThrow(InvalidKeyError); // zero: public value 1
      expect(() => engine.keyAgreement(group, Uint8Array.of(...new Uint8Array(31), 1))).toThrow(
        InvalidKeyError,
      ); // 32 bytes, value 1
      const longest = group === 'modp1024' ? modp1024.bytes : modp2048.bytes;
      expect(() => engine.keyAgreement(group, new Uint8Array(longest + 1).fill(0x5a))).toThrow(
        InvalidKeyError,
      );
      const k = engine.keyAgreement(group, new Uint8Array(32).fill(0x5a));
      expect(k.publicKey.length).toBe(longest);
    }
  });

  test('MODP: peer public values outside 1 < y < p-1 are refused', () => {
    const k = engine.keyAgreement('modp1024');
    const p = modp1024.prime;
    for (const y of [0n, 1n, p - 1n, p, p + 1n]) {
      const b = new Uint8Array(128);
      let v = y;
      for (let i = 127; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
      expect(() => k.deriveShared(y > p ? new Uint8Array(128).fill(0xff) : b)).toThrow(
        InvalidKeyError,
      );
    }
  });

  test.each([
    'hmac-md5',
    'hmac-sha1',
    'hmac-sha256',
    'hmac-sha384',
    'hmac-sha512',
  ] as MacAlgorithm[])('%s refuses keys shorter than its minimum (RFC 2104 §3)', (alg) => {
    const min = hmacMinKeyLength(alg);
    expect(min).toBeGreaterThanOrEqual(16);
    for (const n of [1, 4, min - 1])
      expect(() => engine.mac(alg, new Uint8Array(n).fill(1))).toThrow(InvalidKeyError);
    expect(
      engine.mac(alg, new Uint8Array(min).fill(1)).compute(Uint8Array.of(1)).length,
    ).toBeGreaterThan(0);
    // Known-answer tests with the RFCs' short keys ("Jefe") must say so.
    expect(
      engine.mac(alg, new TextEncoder().encode('Jefe'), undefined, { minKeyLength: 4 })
        .outputLength,
    ).toBeGreaterThan(0);
  });

  test('Ed25519: small-order public keys never verify (the identity key accepts R = identity, S = 0 for any message)', () => {
    const forgery = hex(
      '0100000000000000000000000000000000000000000000000000000000000000' + '00'.repeat(32),
    );
    for (const msg of [new Uint8Array(0), new TextEncoder().encode('pay mallory 100')]) {
      for (const pub of smallOrderEd25519) {
        expect(engine.verify('ed25519', hex(pub), msg, forgery)).toBe(false);
      }
    }
    // A real key still verifies.
    const s = engine.signingKey('ed25519', new Uint8Array(32).fill(3));
    expect(engine.verify('ed25519', s.publicKey, Uint8Array.of(1), s.sign(Uint8Array.of(1)))).toBe(
      true,
    );
  });

  test('X25519: every small-order peer value is refused with InvalidKeyError (no all-zero shared secret)', () => {
    const k = engine.keyAgreement('x25519', new Uint8Array(32).fill(9));
    for (const u of smallOrderX25519) expect(() => k.deriveShared(hex(u))).toThrow(InvalidKeyError);
  });
});
