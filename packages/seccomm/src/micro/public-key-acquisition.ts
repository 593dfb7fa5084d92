/**
 * Public key acquisition from a CA (§3.3.7). At openSession, if the peer's public key is not
 * known, it is fetched; on keyMiss(principal) likewise. While a fetch is under way push is
 * disabled and arriving messages wait (ahead of every other micro-protocol, untouched), so
 * nothing is lost to the race between the peer's first message and the CA's answer. The
 * certificate must be signed by the configured CA and valid now; a bad one is a securityAlert.
 */
import { msgFromBelow, sharedKey, type CompositeProtocol, type Message, type MicroProtocol } from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { AgreementKeys, Participants, PublicKeys, raiseAlert, settings } from '../runtime/context.js';
import { keyMiss, openSession } from '../runtime/events.js';
import { EDGE } from '../runtime/framing.js';
import { Push } from '../runtime/push-gate.js';
import { Services } from '../runtime/services.js';
import { certificateReply, certificateRequest } from '../ca/certificate-authority.js';
import { verifyCertificate, type Certificate } from '../ca/certificate.js';

/** The CA's public key every acquiring end trusts. */
export const CaPublicKey = sharedKey<Uint8Array | null>('CaPublicKey', () => null);
/** Certificates acquired, by principal. */
export const Certificates = sharedKey<Map<string, Certificate>>('Certificates', () => new Map());

export function publicKeyAcquisition(m: ResolvedMicroProtocol): MicroProtocol {
  const name = label(m);
  const parked: Message[] = [];
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const gate = c.shared.get(Push);
      const fetching = new Set<string>();
      const alert = (reason: string): void => raiseAlert(c, name, reason);
      const fetch = (principal: string): void => {
        if (fetching.has(principal)) return;
        const services = c.shared.get(Services);
        const ca = c.shared.get(CaPublicKey);
        if (services === null || ca === null) throw new Error(`${name}: needs OpenOptions.services and OpenOptions.caPublicKey`);
        fetching.add(principal);
        gate.disable(name);
        services.call(String(m.params['ca']), certificateRequest(principal), (reply) => {
          fetching.delete(principal);
          const bytes = reply === null ? null : certificateReply(reply);
          const cert = bytes === null ? null : verifyCertificate(s.engine, ca, bytes, s.now());
          if (reply === null) alert('ca-unreachable');
          else if (bytes === null) alert('certificate-unknown');
          else if (cert === null || cert.subject !== principal) alert('certificate-invalid');
          else {
            c.shared.get(PublicKeys).set(principal, cert.publicKey);
            if (cert.agreementKey.length > 0) c.shared.get(AgreementKeys).set(principal, cert.agreementKey);
            c.shared.get(Certificates).set(principal, cert);
          }
          if (fetching.size > 0) return;
          // Messages that waited go through the whole receive path now, in arrival order.
          for (const msg of parked.splice(0)) if (c.runtime.raise(msgFromBelow, msg)) c.sendUp(msg);
          gate.enable(c, name);
        });
      };
      c.runtime.bind(
        openSession,
        () => {
          const peer = c.shared.get(Participants).peer;
          if (!c.shared.get(PublicKeys).has(peer)) fetch(peer);
        },
        -1,
        null,
        name,
      );
      c.runtime.bind(keyMiss, (principal: string) => fetch(principal), 0, null, name);
      c.runtime.bind(
        msgFromBelow,
        (msg: Message, _s: null, rt) => {
          if (fetching.size === 0) return;
          rt.stop();
          if (parked.length >= 1024) c.drop(msg, 'acquisition-queue-full');
          else parked.push(msg);
        },
        EDGE + 1,
        null,
        name,
      );
    },
    stop() {
      for (const msg of parked.splice(0)) msg.release();
    },
  };
}
