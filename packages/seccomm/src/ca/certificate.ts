/**
 * Certificates of the SecComm CA (§3.3.7): a principal's public keys — its signing key and,
 * for public-key privacy, its X25519 key — with a validity period, signed by the CA with
 * Ed25519. The encoding is SecComm's own (length-prefixed fields); the paper expects several
 * acquisition micro-protocols for the several certificate formats in use, and this is one.
 */
import type { CryptoEngine, SignatureAlgorithm, SigningKey } from '@conduits/crypto';
import { decode, MalformedError, Reader, Writer } from '../runtime/wire.js';

export interface Certificate {
  readonly subject: string;
  readonly issuer: string;
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: Uint8Array;
  /** X25519 public key, or empty. */
  readonly agreementKey: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
}

const VERSION = 1;
const algorithms: readonly SignatureAlgorithm[] = ['ed25519', 'ecdsa-p256-sha256'];

function tbs(c: Certificate): Uint8Array {
  return new Writer()
    .u8(VERSION)
    .str(c.subject)
    .str(c.issuer)
    .u8(algorithms.indexOf(c.algorithm))
    .bytes(c.publicKey)
    .bytes(c.agreementKey)
    .f64(c.notBefore)
    .f64(c.notAfter)
    .done();
}

export function issueCertificate(ca: SigningKey, c: Certificate): Uint8Array {
  const body = tbs(c);
  return new Writer().bytes(body).bytes(ca.sign(body)).done();
}

/** The certificate, if the CA signed it and it is valid at `now`; null otherwise. */
export function verifyCertificate(
  engine: CryptoEngine,
  caPublicKey: Uint8Array,
  bytes: Uint8Array,
  now: number,
): Certificate | null {
  return decode(() => {
    const outer = new Reader(bytes);
    const body = outer.bytes();
    const signature = outer.bytes();
    outer.end();
    if (!engine.verify('ed25519', caPublicKey, body, signature))
      throw new MalformedError('bad CA signature');
    const r = new Reader(body);
    if (r.u8() !== VERSION) throw new MalformedError('unknown certificate version');
    const subject = r.str();
    const issuer = r.str();
    const algorithm = algorithms[r.u8()];
    if (algorithm === undefined) throw new MalformedError('unknown algorithm');
    const c: Certificate = {
      subject,
      issuer,
      algorithm,
      publicKey: r.bytes(),
      agreementKey: r.bytes(),
      notBefore: r.f64(),
      notAfter: r.f64(),
    };
    r.end();
    if (now < c.notBefore || now > c.notAfter)
      throw new MalformedError('certificate not valid now');
    return c;
  });
}
