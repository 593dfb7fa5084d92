/**
 * Authenticity by signatures (§3.3.4; the roles of RSAAuthenticity and RSADigestAuthenticity):
 * the sender signs the whole message, or only the digest an integrity micro-protocol appended;
 * the receiver verifies with the peer's public key and sets the AUTH_SENDER stack attribute.
 * A missing public key raises keyMiss. For non-repudiation the verified evidence is left in a
 * local attribute.
 */
import { attribute, msgFromAbove, msgFromBelow, type CompositeProtocol, type Message, type MicroProtocol } from '@conduits/core';
import type { SignatureAlgorithm, SigningKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Participants, PrivateKey, PublicKeys, reject, settings } from '../runtime/context.js';
import { keyMiss } from '../runtime/events.js';
import { applies } from './direction.js';

/** The authenticated sender of a delivered message (§3.1: AUTH_SENDER). */
export const AUTH_SENDER = attribute<string>('seccomm.AUTH_SENDER', 'stack');

export interface Evidence {
  readonly sender: string;
  readonly algorithm: SignatureAlgorithm;
  /** Exactly the bytes the signature covers. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}
/** Set for the non-repudiation micro-protocol once a signature verified. */
export const evidence = attribute<Evidence>('seccomm.evidence', 'local');

const SIGNATURE = 64;

export function authenticity(m: ResolvedMicroProtocol, digestLength: number): MicroProtocol {
  const name = label(m);
  const algorithm = (m.params['algorithm'] as SignatureAlgorithm | undefined) ?? 'ed25519';
  const overDigest = m.name === 'signature-digest-authenticity';
  let signer: SigningKey | null = null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const priv = c.shared.get(PrivateKey);
      if (priv !== null) signer = s.engine.signingKey(algorithm, priv);
      const covered = (b: Message['buffer']): Uint8Array => (overDigest ? b.bytes.subarray(b.end - digestLength, b.end) : b.subarray());
      c.runtime.bind(
        msgFromAbove,
        (msg: Message) => {
          if (!applies(m, s.role, true)) return;
          if (signer === null) throw new Error(`${name}: no private key was given to open()`);
          msg.buffer.appendBytes(signer.sign(covered(msg.buffer)));
        },
        m.order,
        null,
        name,
      );
      c.runtime.bind(
        msgFromBelow,
        (msg: Message, _x: null, rt) => {
          if (!applies(m, s.role, false)) return;
          const b = msg.buffer;
          const peer = c.shared.get(Participants).peer;
          const key = c.shared.get(PublicKeys).get(peer);
          if (key === undefined) {
            c.runtime.raise(keyMiss, peer);
            reject(c, name, msg, 'public-key-missing');
            rt.stop();
            return;
          }
          if (b.length < SIGNATURE + (overDigest ? digestLength : 0)) {
            reject(c, name, msg, 'authenticity-truncated');
            rt.stop();
            return;
          }
          const signature = b.bytes.slice(b.end - SIGNATURE, b.end);
          b.trim(SIGNATURE);
          const signed = Uint8Array.from(covered(b));
          if (!s.engine.verify(algorithm, key, signed, signature)) {
            reject(c, name, msg, 'authenticity-failed');
            rt.stop();
            return;
          }
          msg.set(AUTH_SENDER, peer);
          msg.set(evidence, { sender: peer, algorithm, signed: overDigest ? Uint8Array.from(b.subarray()) : signed, signature });
        },
        m.order,
        null,
        name,
      );
    },
    stop() {
      signer?.destroy();
    },
  };
}
