/**
 * SKEYID derivations against NIST CAVP SP 800-135 IKEv1 KDF vectors (pre-shared key and
 * signature), on both engines; the Appendix B expansion and KEYMAT against a node:crypto
 * HMAC computation written out from the RFC's formulas; ECP-256 (RFC 5903 §8.1) shared
 * secrets as IKEv1 uses them (x only).
 */
import { createHash, createHmac } from 'node:crypto';
import { engines } from '@conduits/crypto';
import {
  deriveSkeyidFamily,
  encryptionKey,
  keymat,
  phase1Iv,
  phase2Iv,
  skeyidPreSharedKey,
  skeyidSignature,
} from '@conduits/protocols-isakmp';
import { hex, toHex, vectors } from './vectors.js';

interface IkeV1Vector {
  auth: string;
  hash: string;
  CKY_I: string;
  CKY_R: string;
  Ni: string;
  Nr: string;
  gxy: string;
  pre_shared_key?: string;
  SKEYID: string;
  SKEYID_d: string;
  SKEYID_a: string;
  SKEYID_e: string;
}
const cavp = vectors<{ ikev1: IkeV1Vector[] }>('rfc/cavp_sp800_135_ike_kdf.json').ikev1;
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
}>('rfc/rfc5903_rfc5114_ecp_ike.json').rfc5903;
const engineList = Object.entries(engines);

describe.each(engineList)('IKEv1 KDF on the %s engine', (_name, engine) => {
  test.each(cavp.map((v) => [v.auth, v] as const))('CAVP %s', (_auth, v) => {
    const skeyid =
      v.pre_shared_key !== undefined
        ? skeyidPreSharedKey(engine, 'sha1', hex(v.pre_shared_key), hex(v.Ni), hex(v.Nr))
        : skeyidSignature(engine, 'sha1', hex(v.Ni), hex(v.Nr), hex(v.gxy));
    expect(toHex(skeyid)).toBe(v.SKEYID);
    const f = deriveSkeyidFamily(engine, 'sha1', skeyid, hex(v.gxy), hex(v.CKY_I), hex(v.CKY_R));
    expect(toHex(f.d)).toBe(v.SKEYID_d);
    expect(toHex(f.a)).toBe(v.SKEYID_a);
    expect(toHex(f.e)).toBe(v.SKEYID_e);
  });

  test('Appendix B expansion: a 32-byte AES key from a 20-byte SKEYID_e is K1 | K2 cut', () => {
    const e = hex(cavp[1]!.SKEYID_e);
    const k1 = createHmac('sha1', e).update(Uint8Array.of(0)).digest();
    const k2 = createHmac('sha1', e).update(k1).digest();
    expect(toHex(encryptionKey(engine, 'sha1', e, 32))).toBe(
      toHex(Buffer.concat([k1, k2]).subarray(0, 32)),
    );
    expect(toHex(encryptionKey(engine, 'sha1', e, 16))).toBe(toHex(e.subarray(0, 16)));
  });

  test('KEYMAT with and without PFS, expanded past one PRF block', () => {
    const d = hex(cavp[0]!.SKEYID_d);
    const spi = hex('c0ffee01');
    const ni = hex('0102030405060708');
    const nr = hex('1112131415161718');
    const g = hex('aa'.repeat(32));
    const tail = (pfs: boolean) =>
      Buffer.concat([...(pfs ? [g] : []), Uint8Array.of(3), spi, ni, nr]);
    for (const pfs of [false, true]) {
      const k1 = createHmac('sha1', d).update(tail(pfs)).digest();
      const k2 = createHmac('sha1', d)
        .update(Buffer.concat([k1, tail(pfs)]))
        .digest();
      expect(toHex(keymat(engine, 'sha1', d, 3, spi, ni, nr, 36, pfs ? g : undefined))).toBe(
        toHex(Buffer.concat([k1, k2]).subarray(0, 36)),
      );
    }
  });

  test('phase-1 IV = hash(g^xi | g^xr); phase-2 IV = hash(last block | M-ID)', () => {
    const gxi = hex('01'.repeat(64));
    const gxr = hex('02'.repeat(64));
    expect(toHex(phase1Iv(engine, 'sha256', gxi, gxr, 16))).toBe(
      createHash('sha256').update(gxi).update(gxr).digest('hex').slice(0, 32),
    );
    const last = hex('03'.repeat(16));
    expect(toHex(phase2Iv(engine, 'sha1', last, 0xdeadbeef, 16))).toBe(
      createHash('sha1').update(last).update(hex('deadbeef')).digest('hex').slice(0, 32),
    );
  });

  test('RFC 5903 §8.1: ECP-256 KE is x|y and g^xy is x', () => {
    const v = ecp[0]!;
    const i = engine.keyAgreement('p256', hex(v.i));
    const r = engine.keyAgreement('p256', hex(v.r));
    expect(toHex(i.publicKey)).toBe(v.gix + v.giy);
    expect(toHex(r.publicKey)).toBe(v.grx + v.gry);
    expect(toHex(i.deriveShared(r.publicKey))).toBe(v.girx);
    expect(toHex(r.deriveShared(i.publicKey))).toBe(v.girx);
  });
});
