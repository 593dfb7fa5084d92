/**
 * A certification authority server (§3.3.7): it holds certificates by principal and answers
 * lookups. Requests and replies are plain bytes so that it can sit behind any transport
 * (serveUdp puts it on a UDP port of a simulated or real host).
 *
 *   bound lookup:  0x64 ‖ id (16 random bytes) ‖ subject
 *   reply:         0x65 ‖ id ‖ certificate ‖ signature    or   0x66 ‖ id ‖ () ‖ signature (unknown subject)
 *                  signature = Ed25519_CA("seccomm ca reply" ‖ kind ‖ id ‖ subject ‖ certificate)
 *
 * The bound form is what public key acquisition uses: the CA's signature covers the request's
 * random id and the subject, so neither a forged reply nor an older reply replayed (an old
 * certificate, or "unknown", from before a re-certification) answers a new lookup.
 *
 *   plain lookup:  0x61 ‖ subject        reply: 0x62 ‖ certificate   or   0x63 (unknown subject)
 *
 * is kept for tools that only want a certificate (it checks by itself, but is not bound to
 * the request).
 */
import { constantTimeEqual, type CryptoEngine, type SigningKey } from '@conduits/crypto';
import { decode, MalformedError, Reader, Writer } from '../runtime/wire.js';
import { issueCertificate, type Certificate } from './certificate.js';

const LOOKUP = 0x61;
const FOUND = 0x62;
const UNKNOWN = 0x63;
const LOOKUP_BOUND = 0x64;
const FOUND_BOUND = 0x65;
const UNKNOWN_BOUND = 0x66;
/** Bytes of a request id. */
export const REQUEST_ID_BYTES = 16;
const REPLY_LABEL = new TextEncoder().encode('seccomm ca reply');

/** What the CA signs in a bound reply. */
function signedReply(
  kind: number,
  id: Uint8Array,
  subject: string,
  certificate: Uint8Array,
): Uint8Array {
  return new Writer().raw(REPLY_LABEL).u8(kind).raw(id).str(subject).bytes(certificate).done();
}

/** A lookup of `subject` bound to `id` (16 random bytes): the reply is signed over both. */
export function boundCertificateRequest(subject: string, id: Uint8Array): Uint8Array {
  if (id.length !== REQUEST_ID_BYTES)
    throw new RangeError(`a CA request id has ${REQUEST_ID_BYTES} bytes`);
  return new Writer().u8(LOOKUP_BOUND).raw(id).str(subject).done();
}

/** The CA's answer to a bound lookup: a certificate (still to be verified as a certificate), or none for that subject. */
export type CertificateAnswer =
  { readonly found: true; readonly certificate: Uint8Array } | { readonly found: false };

/**
 * Open a reply to the bound lookup (`subject`, `id`): null unless the CA signed it for this
 * very request (a forged reply, a reply to another request, an older reply replayed).
 */
export function openCertificateReply(
  engine: CryptoEngine,
  caPublicKey: Uint8Array,
  reply: Uint8Array,
  subject: string,
  id: Uint8Array,
): CertificateAnswer | null {
  return decode(() => {
    const r = new Reader(reply);
    const kind = r.u8();
    if (kind !== FOUND_BOUND && kind !== UNKNOWN_BOUND)
      throw new MalformedError('not a bound CA reply');
    const got = r.raw(REQUEST_ID_BYTES);
    const certificate = r.bytes();
    const signature = r.bytes();
    r.end();
    if (!constantTimeEqual(got, id)) throw new MalformedError('reply for another request');
    if (
      !engine.verify(
        'ed25519',
        caPublicKey,
        signedReply(kind, got, subject, certificate),
        signature,
      )
    )
      throw new MalformedError('reply not signed by the CA');
    if (kind === UNKNOWN_BOUND) return { found: false } as const;
    if (certificate.length === 0) throw new MalformedError('empty certificate');
    return { found: true, certificate } as const;
  });
}

export function certificateRequest(subject: string): Uint8Array {
  return new Writer().u8(LOOKUP).str(subject).done();
}

/** The certificate bytes in a reply, or null (unknown subject, malformed reply). */
export function certificateReply(reply: Uint8Array): Uint8Array | null {
  return decode(() => {
    const r = new Reader(reply);
    const kind = r.u8();
    if (kind === UNKNOWN) return null;
    if (kind !== FOUND) throw new MalformedError('not a CA reply');
    return r.rest();
  });
}

export class CertificateAuthority {
  readonly #key: SigningKey;
  readonly #certificates = new Map<string, Uint8Array>();
  /** Lookups served and refused, for tests and the CLI summary. */
  readonly stats = { served: 0, unknown: 0, malformed: 0 };

  constructor(
    engine: CryptoEngine,
    readonly name: string,
    privateKey?: Uint8Array,
  ) {
    this.#key = engine.signingKey('ed25519', privateKey);
  }

  /** The CA's public key: what every acquiring end is configured with. */
  get publicKey(): Uint8Array {
    return this.#key.publicKey;
  }

  /** Certify `subject`'s keys for `lifetime` ms from `now`. */
  certify(
    subject: string,
    keys: Pick<Certificate, 'algorithm' | 'publicKey'> & { agreementKey?: Uint8Array },
    now: number,
    lifetime = 86_400_000,
  ): Uint8Array {
    const cert = issueCertificate(this.#key, {
      subject,
      issuer: this.name,
      algorithm: keys.algorithm,
      publicKey: keys.publicKey,
      agreementKey: keys.agreementKey ?? new Uint8Array(0),
      notBefore: now,
      notAfter: now + lifetime,
    });
    this.#certificates.set(subject, cert);
    return cert;
  }

  handle(request: Uint8Array): Uint8Array | null {
    if (request[0] === LOOKUP_BOUND) return this.#handleBound(request);
    const subject = decode(() => {
      const r = new Reader(request);
      if (r.u8() !== LOOKUP) throw new MalformedError('not a lookup');
      const s = r.str();
      r.end();
      return s;
    });
    if (subject === null) {
      this.stats.malformed++;
      return null;
    }
    const cert = this.#certificates.get(subject);
    if (cert === undefined) {
      this.stats.unknown++;
      return Uint8Array.of(UNKNOWN);
    }
    this.stats.served++;
    return new Writer().u8(FOUND).raw(cert).done();
  }

  /** A bound lookup: the answer signed over the request id and the subject. */
  #handleBound(request: Uint8Array): Uint8Array | null {
    const req = decode(() => {
      const r = new Reader(request);
      r.u8();
      const id = r.raw(REQUEST_ID_BYTES);
      const subject = r.str();
      r.end();
      return { id, subject };
    });
    if (req === null) {
      this.stats.malformed++;
      return null;
    }
    const cert = this.#certificates.get(req.subject);
    if (cert === undefined) this.stats.unknown++;
    else this.stats.served++;
    const kind = cert === undefined ? UNKNOWN_BOUND : FOUND_BOUND;
    const body = cert ?? new Uint8Array(0);
    const signature = this.#key.sign(signedReply(kind, req.id, req.subject, body));
    return new Writer().u8(kind).raw(req.id).bytes(body).bytes(signature).done();
  }

  destroy(): void {
    this.#key.destroy();
  }
}
