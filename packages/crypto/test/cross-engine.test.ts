/** The same inputs give byte-identical outputs in both engines (random inputs, fast-check). */
import fc from 'fast-check';
import {
  aeadKeyLength,
  cipherKeyLength,
  nobleEngine as noble,
  nodeEngine as node,
  type AeadAlgorithm,
  type CipherAlgorithm,
  type HashAlgorithm,
  type MacAlgorithm,
} from '@conduits/crypto';
import { toHex } from './vectors.js';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

describe('noble and node engines agree', () => {
  test.each(['aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as AeadAlgorithm[])(
    '%s seal/open, every tag length',
    (alg) => {
      fc.assert(
        fc.property(
          bytes(aeadKeyLength[alg], aeadKeyLength[alg]),
          bytes(12, 12),
          bytes(0, 300),
          bytes(0, 40),
          fc.constantFrom(...(alg === 'chacha20-poly1305' ? [16] : [8, 12, 16])),
          (k, n, p, aad, t) => {
            const a = noble.aead(alg, k).seal(n, p, aad, t);
            const b = node.aead(alg, k).seal(n, p, aad, t);
            expect(toHex(a)).toBe(toHex(b));
            expect(toHex(noble.aead(alg, k).open(n, b, aad, t)!)).toBe(toHex(p));
            expect(toHex(node.aead(alg, k).open(n, a, aad, t)!)).toBe(toHex(p));
            // A single flipped bit anywhere is refused by both.
            const bad = Uint8Array.from(a);
            bad[(p.length * 7) % bad.length]! ^= 1;
            expect(noble.aead(alg, k).open(n, bad, aad, t)).toBeNull();
            expect(node.aead(alg, k).open(n, bad, aad, t)).toBeNull();
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  test.each([
    'aes-128-cbc',
    'aes-256-cbc',
    'aes-128-ctr',
    'aes-192-ctr',
    'aes-256-ctr',
  ] as CipherAlgorithm[])('%s', (alg) => {
    fc.assert(
      fc.property(
        bytes(cipherKeyLength[alg], cipherKeyLength[alg]),
        bytes(16, 16),
        fc.integer({ min: 0, max: 20 }),
        bytes(0, 17),
        (k, iv, blocks, extra) => {
          const data = new Uint8Array(blocks * 16 + (alg.endsWith('ctr') ? extra.length : 0)).map(
            (_, i) => (i * 31) & 0xff,
          );
          const a = noble.cipher(alg, k).encrypt(iv, data);
          expect(toHex(a)).toBe(toHex(node.cipher(alg, k).encrypt(iv, data)));
          expect(toHex(node.cipher(alg, k).decrypt(iv, a))).toBe(toHex(data));
        },
      ),
      { numRuns: 50 },
    );
  });

  test.each([
    'hmac-sha1',
    'hmac-sha256',
    'hmac-sha384',
    'hmac-sha512',
    'hmac-md5',
  ] as MacAlgorithm[])('%s with truncation', (alg) => {
    fc.assert(
      // Keys from the shortest allowed (hmacMinKeyLength: 16 to 32 bytes) to past the block size.
      fc.property(bytes(32, 150), bytes(0, 300), fc.integer({ min: 4, max: 16 }), (k, d, t) => {
        expect(toHex(noble.mac(alg, k, t).compute(d))).toBe(toHex(node.mac(alg, k, t).compute(d)));
      }),
      { numRuns: 50 },
    );
  });

  test('hashes and HKDF', () => {
    fc.assert(
      fc.property(
        bytes(0, 500),
        fc.constantFrom<HashAlgorithm>('sha1', 'sha256', 'sha384', 'sha512', 'md5'),
        bytes(0, 40),
        bytes(0, 40),
        fc.integer({ min: 1, max: 200 }),
        (d, h, salt, info, len) => {
          expect(toHex(noble.hash(h, d))).toBe(toHex(node.hash(h, d)));
          if (h !== 'md5')
            expect(toHex(noble.hkdf(h, d, salt, info, len))).toBe(
              toHex(node.hkdf(h, d, salt, info, len)),
            );
        },
      ),
      { numRuns: 100 },
    );
  });

  test.each(['x25519', 'p256', 'modp1024', 'modp2048'] as const)(
    '%s: keys made by one engine agree with the other',
    (group) => {
      for (let i = 0; i < 3; i++) {
        const a = noble.keyAgreement(group);
        const b = node.keyAgreement(group);
        expect(toHex(a.deriveShared(b.publicKey))).toBe(toHex(b.deriveShared(a.publicKey)));
      }
    },
  );

  test('same private value, same public value in both engines', () => {
    for (const group of ['x25519', 'p256', 'modp1024'] as const) {
      const priv = noble.randomBytes(32);
      priv[0] = 0x11; // keep it below the P-256 order
      expect(toHex(noble.keyAgreement(group, priv).publicKey)).toBe(
        toHex(node.keyAgreement(group, priv).publicKey),
      );
    }
  });

  test('ECDSA: OpenSSL signatures (high-S half the time) verify with noble, over many keys', () => {
    // FIPS 186 ECDSA has no low-S rule; a verifier that demands it rejects half of OpenSSL's signatures.
    for (let i = 0; i < 40; i++) {
      const k = node.signingKey('ecdsa-p256-sha256');
      const m = Uint8Array.of(i);
      expect(noble.verify('ecdsa-p256-sha256', k.publicKey, m, k.sign(m))).toBe(true);
    }
  });

  test('Ed25519 signatures are identical; ECDSA signatures verify across engines', () => {
    const seed = noble.randomBytes(32);
    const msg = noble.randomBytes(100);
    expect(toHex(noble.signingKey('ed25519', seed).sign(msg))).toBe(
      toHex(node.signingKey('ed25519', seed).sign(msg)),
    );
    const k1 = noble.signingKey('ecdsa-p256-sha256');
    const k2 = node.signingKey('ecdsa-p256-sha256');
    const priv = Uint8Array.from([0x11, ...noble.randomBytes(31)]);
    expect(toHex(noble.signingKey('ecdsa-p256-sha256', priv).publicKey)).toBe(
      toHex(node.signingKey('ecdsa-p256-sha256', priv).publicKey),
    );
    expect(node.verify('ecdsa-p256-sha256', k1.publicKey, msg, k1.sign(msg))).toBe(true);
    expect(noble.verify('ecdsa-p256-sha256', k2.publicKey, msg, k2.sign(msg))).toBe(true);
    expect(
      noble.verify('ecdsa-p256-sha256', k2.publicKey, Uint8Array.of(1, ...msg), k2.sign(msg)),
    ).toBe(false);
    expect(node.verify('ecdsa-p256-sha256', k1.publicKey, msg, new Uint8Array(64))).toBe(false);
  });
});
