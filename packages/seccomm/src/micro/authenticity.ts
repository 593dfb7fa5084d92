/**
 * Authenticity by signatures (§3.3.4; the roles of RSAAuthenticity and RSADigestAuthenticity):
 * the sender signs the whole message, or only the digest an integrity micro-protocol appended;
 * the receiver verifies with the peer's public key and sets the AUTH_SENDER stack attribute.
 * A missing public key raises keyMiss. The signature covers the frame header (FrameHeader:
 * kind, epoch, generation, the sender's role) before the message or digest, so a signed frame
 * cannot be reflected or moved into another generation. For non-repudiation the verified
 * evidence is left in a local attribute.
 */
import {
  attribute,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import type { SignatureAlgorithm, SigningKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Participants, PrivateKey, PublicKeys, settings } from '../runtime/context.js';
import { keyMiss } from '../runtime/events.js';
import { FrameHeader, HEADER_LENGTH } from '../runtime/frame-header.js';
import { bindTransform } from './bind-transform.js';

/** The authenticated sender of a delivered message (§3.1: AUTH_SENDER). */
export const AUTH_SENDER = attribute<string>('seccomm.AUTH_SENDER', 'stack');

export interface Evidence {
  readonly sender: string;
  readonly algorithm: SignatureAlgorithm;
  /** The message the signature is about (with digest signatures: the message and its digest). */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
  /** The frame header the signature covers first (FrameHeader). */
  readonly header?: Uint8Array;
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
      const header = new FrameHeader(c);
      const covered = (b: Message['buffer']): Uint8Array =>
        overDigest ? b.bytes.subarray(b.end - digestLength, b.end) : b.subarray();
      /** header ‖ what the signature is about. */
      const withHeader = (h: Uint8Array, body: Uint8Array): Uint8Array => {
        const out = new Uint8Array(HEADER_LENGTH + body.length);
        out.set(h);
        out.set(body, HEADER_LENGTH);
        return out;
      };
      const send = (msg: Message): string | null => {
        if (signer === null) return 'private-key-missing';
        msg.buffer.appendBytes(signer.sign(withHeader(header.of(msg, true), covered(msg.buffer))));
        return null;
      };
      const receive = (msg: Message): string | null => {
        const b = msg.buffer;
        const peer = c.shared.get(Participants).peer;
        const key = c.shared.get(PublicKeys).get(peer);
        if (key === undefined) {
          c.runtime.raise(keyMiss, peer);
          return 'public-key-missing';
        }
        if (b.length < SIGNATURE + (overDigest ? digestLength : 0)) return 'authenticity-truncated';
        const signature = b.bytes.slice(b.end - SIGNATURE, b.end);
        b.trim(SIGNATURE);
        const h = Uint8Array.from(header.of(msg, false));
        const signed = withHeader(h, covered(b));
        if (!s.engine.verify(algorithm, key, signed, signature)) return 'authenticity-failed';
        msg.set(AUTH_SENDER, peer);
        msg.set(evidence, {
          sender: peer,
          algorithm,
          signed: Uint8Array.from(b.subarray()),
          signature,
          header: h,
        });
        return null;
      };
      bindTransform(c, m, name, s.role, send, receive);
    },
    stop() {
      signer?.destroy();
    },
  };
}
