/**
 * A certification authority server (§3.3.7): it holds certificates by principal and answers
 * lookups. Requests and replies are plain bytes so that it can sit behind any transport
 * (serveUdp puts it on a UDP port of a simulated or real host).
 *
 *   request: 0x61 ‖ subject        reply: 0x62 ‖ certificate   or   0x63 (unknown subject)
 */
import type { CryptoEngine, SigningKey } from '@conduits/crypto';
import { decode, MalformedError, Reader, Writer } from '../runtime/wire.js';
import { issueCertificate, type Certificate } from './certificate.js';

const LOOKUP = 0x61;
const FOUND = 0x62;
const UNKNOWN = 0x63;

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
  certify(subject: string, keys: Pick<Certificate, 'algorithm' | 'publicKey'> & { agreementKey?: Uint8Array }, now: number, lifetime = 86_400_000): Uint8Array {
    const cert = issueCertificate(this.#key, { subject, issuer: this.name, algorithm: keys.algorithm, publicKey: keys.publicKey, agreementKey: keys.agreementKey ?? new Uint8Array(0), notBefore: now, notAfter: now + lifetime });
    this.#certificates.set(subject, cert);
    return cert;
  }

  handle(request: Uint8Array): Uint8Array | null {
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

  destroy(): void {
    this.#key.destroy();
  }
}
