/** Key hygiene: bytes in #private fields, wiped by destroy(), never printed; typed errors on bad input. */
import { inspect } from 'node:util';
import {
  constantTimeEqual,
  engines,
  InvalidKeyError,
  InvalidParameterError,
  KeyDestroyedError,
  Secret,
  type CryptoEngine,
} from '@conduits/crypto';

const both = Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]);
const key = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const keyHex = Buffer.from(key).toString('hex');

describe.each(both)('%s engine keys', (_n, engine) => {
  test('no key bytes in toString, JSON, inspect or errors', () => {
    const objects = [
      engine.aead('aes-256-gcm', key),
      engine.mac('hmac-sha256', key, 16),
      engine.cipher('aes-256-ctr', key),
      engine.signingKey('ed25519', key),
      engine.keyAgreement('x25519', key),
    ];
    for (const o of objects) {
      for (const text of [
        String(o),
        JSON.stringify(o),
        inspect(o, { showHidden: true, depth: 5 }),
      ]) {
        expect(text).not.toContain(keyHex.slice(0, 8));
        expect(text).not.toContain('160,161,162');
      }
    }
  });

  test('destroy wipes: later use throws KeyDestroyedError', () => {
    const a = engine.aead('chacha20-poly1305', key);
    a.destroy();
    expect(a.destroyed).toBe(true);
    expect(() => a.seal(new Uint8Array(12), new Uint8Array(1))).toThrow(KeyDestroyedError);
    const m = engine.mac('hmac-sha1', key, 12);
    m.destroy();
    expect(() => m.compute(new Uint8Array(1))).toThrow(KeyDestroyedError);
    const s = engine.signingKey('ed25519', key);
    s.destroy();
    expect(() => s.sign(new Uint8Array(1))).toThrow(KeyDestroyedError);
  });

  test('the caller may wipe its own copy after creating a key', () => {
    const mine = Uint8Array.from(key);
    const a = engine.aead('aes-256-gcm', mine);
    const sealed = a.seal(new Uint8Array(12), Uint8Array.of(1, 2, 3));
    mine.fill(0);
    expect(a.open(new Uint8Array(12), sealed)).toEqual(Uint8Array.of(1, 2, 3));
  });

  test('typed errors for wrong key and parameter sizes', () => {
    expect(() => engine.aead('aes-128-gcm', key)).toThrow(InvalidKeyError);
    expect(() =>
      engine.aead('aes-256-gcm', key).seal(new Uint8Array(8), new Uint8Array(1)),
    ).toThrow(InvalidParameterError);
    expect(() =>
      engine
        .aead('chacha20-poly1305', key)
        .seal(new Uint8Array(12), new Uint8Array(1), undefined, 12),
    ).toThrow(InvalidParameterError);
    expect(() => engine.mac('hmac-sha256', key, 40)).toThrow(InvalidParameterError);
    expect(() =>
      engine.cipher('aes-256-cbc', key).encrypt(new Uint8Array(16), new Uint8Array(5)),
    ).toThrow(InvalidParameterError);
    expect(() => engine.keyAgreement('x25519', key).deriveShared(new Uint8Array(31))).toThrow(
      InvalidKeyError,
    );
    expect(() => engine.keyAgreement('x25519', key).deriveShared(new Uint8Array(32))).toThrow(
      InvalidKeyError,
    ); // low order (all zero)
    expect(() =>
      engine
        .keyAgreement('p256', Uint8Array.of(1, ...key.subarray(1)))
        .deriveShared(new Uint8Array(64).fill(7)),
    ).toThrow(InvalidKeyError);
  });

  test('open refuses short and garbage input without throwing', () => {
    const a = engine.aead('aes-256-gcm', key);
    expect(a.open(new Uint8Array(12), new Uint8Array(3))).toBeNull();
    expect(a.open(new Uint8Array(12), new Uint8Array(40))).toBeNull();
    expect(a.open(new Uint8Array(12), new Uint8Array(40), undefined, 8)).toBeNull();
  });

  test('randomBytes gives fresh bytes of the asked length', () => {
    const a = engine.randomBytes(32);
    expect(a.length).toBe(32);
    expect(constantTimeEqual(a, engine.randomBytes(32))).toBe(false);
  });
});

test('Secret prints no bytes and wipes its own copy', () => {
  const s = new Secret('test', key);
  expect(String(s)).toBe('[secret test, 32 bytes]');
  let seen: Uint8Array | undefined;
  s.use((b) => (seen = b));
  s.destroy();
  expect(seen!.every((x) => x === 0)).toBe(true);
  expect(() => s.use(() => 1)).toThrow(KeyDestroyedError);
});

test('constantTimeEqual', () => {
  expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
  expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
  expect(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
});
