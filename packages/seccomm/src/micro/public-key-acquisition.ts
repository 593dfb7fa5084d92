/**
 * Public key acquisition from a CA (§3.3.7). At openSession, if the peer's public key is not
 * known, it is fetched; on keyMiss(principal) likewise. While a fetch is under way push is
 * disabled and arriving messages wait (ahead of every other micro-protocol, untouched), so
 * nothing is lost to the race between the peer's first message and the CA's answer.
 *
 * Each fetch is a request/reply exchange on the service client (retransmitted on the
 * scheduler's clock): its random 16-byte id goes in the request, and the CA signs its reply
 * over that id and the subject. A reply that does not verify for this request (forged, for
 * another request, an older one replayed) is refused with a securityAlert and the fetch waits
 * on for the genuine one. The certificate must be signed by the configured CA and valid now;
 * a bad one is a securityAlert. close() cancels fetches under way: no callback after it.
 */
import {
  msgFromBelow,
  sharedKey,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import {
  AgreementKeys,
  Participants,
  PublicKeys,
  raiseAlert,
  settings,
} from '../runtime/context.js';
import { keyMiss, openSession } from '../runtime/events.js';
import { EDGE } from '../runtime/framing.js';
import { Push } from '../runtime/push-gate.js';
import { Services, type ServiceCall } from '../runtime/services.js';
import {
  boundCertificateRequest,
  openCertificateReply,
  REQUEST_ID_BYTES,
} from '../ca/certificate-authority.js';
import { verifyCertificate, type Certificate } from '../ca/certificate.js';

/** The CA's public key every acquiring end trusts. */
export const CaPublicKey = sharedKey<Uint8Array | null>('CaPublicKey', () => null);
/** Certificates acquired, by principal. */
export const Certificates = sharedKey<Map<string, Certificate>>('Certificates', () => new Map());

const PARKED_LIMIT = 1024;

export function publicKeyAcquisition(m: ResolvedMicroProtocol): MicroProtocol {
  return new PublicKeyAcquisition(m);
}

/** One lookup of one principal's certificate. */
class CertificateFetch {
  readonly #id: Uint8Array;
  #call: ServiceCall | null = null;

  constructor(
    readonly owner: PublicKeyAcquisition,
    readonly c: CompositeProtocol,
    readonly principal: string,
    readonly ca: Uint8Array,
  ) {
    this.#id = settings(c).engine.randomBytes(REQUEST_ID_BYTES);
  }

  /** Send the lookup (after the owner has recorded this fetch: a service may answer at once). */
  send(address: string): void {
    const services = this.c.shared.get(Services);
    if (services === null)
      throw new Error(`${this.owner.name}: needs OpenOptions.services and OpenOptions.caPublicKey`);
    this.#call =
      services.call(address, boundCertificateRequest(this.principal, this.#id), this.#onReply) ??
      null;
  }

  cancel(): void {
    this.#call?.cancel();
    this.#call = null;
  }

  readonly #onReply = (reply: Uint8Array | null): boolean => {
    const s = settings(this.c);
    if (reply === null) return this.owner.fetched(this, 'ca-unreachable', null);
    const answer = openCertificateReply(s.engine, this.ca, reply, this.principal, this.#id);
    if (answer === null) {
      raiseAlert(this.c, this.owner.name, 'ca-reply-refused');
      return false;
    }
    if (!answer.found) return this.owner.fetched(this, 'certificate-unknown', null);
    const cert = verifyCertificate(s.engine, this.ca, answer.certificate, s.now());
    if (cert === null || cert.subject !== this.principal)
      return this.owner.fetched(this, 'certificate-invalid', null);
    return this.owner.fetched(this, null, cert);
  };
}

class PublicKeyAcquisition implements MicroProtocol {
  readonly name: string;
  readonly #m: ResolvedMicroProtocol;
  readonly #parked: Message[] = [];
  readonly #fetching = new Map<string, CertificateFetch>();
  #c: CompositeProtocol | null = null;
  #closed = false;

  constructor(m: ResolvedMicroProtocol) {
    this.name = label(m);
    this.#m = m;
  }

  start(c: CompositeProtocol): void {
    this.#c = c;
    c.runtime.bind(
      openSession,
      () => {
        const peer = c.shared.get(Participants).peer;
        if (!c.shared.get(PublicKeys).has(peer)) this.#fetch(peer);
      },
      -1,
      null,
      this.name,
    );
    c.runtime.bind(keyMiss, (principal: string) => this.#fetch(principal), 0, null, this.name);
    c.runtime.bind(
      msgFromBelow,
      (msg: Message, _s: null, rt) => {
        if (this.#fetching.size === 0) return;
        rt.stop();
        if (this.#parked.length >= PARKED_LIMIT) c.drop(msg, 'acquisition-queue-full');
        else this.#parked.push(msg);
      },
      EDGE + 1,
      null,
      this.name,
    );
  }

  stop(): void {
    this.#closed = true;
    for (const f of this.#fetching.values()) f.cancel();
    this.#fetching.clear();
    for (const msg of this.#parked.splice(0)) msg.release();
  }

  /** A fetch is over: `reason` says why it failed, or `cert` is what it got. Always true (the reply is taken). */
  fetched(fetch: CertificateFetch, reason: string | null, cert: Certificate | null): true {
    const c = this.#c as CompositeProtocol;
    if (this.#closed || this.#fetching.get(fetch.principal) !== fetch) return true;
    this.#fetching.delete(fetch.principal);
    if (reason !== null) raiseAlert(c, this.name, reason);
    else if (cert !== null) {
      c.shared.get(PublicKeys).set(fetch.principal, cert.publicKey);
      if (cert.agreementKey.length > 0)
        c.shared.get(AgreementKeys).set(fetch.principal, cert.agreementKey);
      c.shared.get(Certificates).set(fetch.principal, cert);
    }
    if (this.#fetching.size > 0) return true;
    // Messages that waited go through the whole receive path now, in arrival order.
    for (const msg of this.#parked.splice(0)) if (c.runtime.raise(msgFromBelow, msg)) c.sendUp(msg);
    c.shared.get(Push).enable(c, this.name);
    return true;
  }

  #fetch(principal: string): void {
    const c = this.#c as CompositeProtocol;
    if (this.#closed || this.#fetching.has(principal)) return;
    const ca = c.shared.get(CaPublicKey);
    if (c.shared.get(Services) === null || ca === null)
      throw new Error(`${this.name}: needs OpenOptions.services and OpenOptions.caPublicKey`);
    c.shared.get(Push).disable(this.name);
    const fetch = new CertificateFetch(this, c, principal, ca);
    this.#fetching.set(principal, fetch);
    fetch.send(String(this.#m.params['ca']));
  }
}
