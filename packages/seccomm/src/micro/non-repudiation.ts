/**
 * Non-repudiation (§2.2): the receiver keeps every message as the sender signed it, with its
 * receipt time, in an append-only file (one JSON object a line). `verifyProofs` later shows
 * who sent what using only the sender's public key.
 */
import {
  msgFromBelow,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import type { CryptoEngine, SignatureAlgorithm } from '@conduits/crypto';
import { appendFileSync } from 'node:fs';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { settings } from '../runtime/context.js';
import { evidence } from './authenticity.js';

export interface ProofRecord {
  readonly sender: string;
  readonly receivedAt: number;
  readonly algorithm: SignatureAlgorithm;
  /** What the signature covers (hex). With digest signatures: the message with its digest. */
  readonly signed: string;
  readonly signature: string;
  /** Digest signatures: how many trailing bytes of `signed` are the digest the signature covers. */
  readonly digestLength?: number;
  /** The frame header (hex) the signature covers before the message or digest. */
  readonly header?: string;
}

export function nonRepudiation(
  m: ResolvedMicroProtocol,
  digestLength: number | undefined,
): MicroProtocol {
  const name = label(m);
  const file = m.params['file'];
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      if (typeof file !== 'string')
        throw new Error(`${name}: params.file (the append-only proof file) is missing`);
      c.runtime.bind(
        msgFromBelow,
        (msg: Message) => {
          const e = msg.get(evidence);
          if (e === undefined) return;
          const rec: ProofRecord = {
            sender: e.sender,
            receivedAt: s.now(),
            algorithm: e.algorithm,
            signed: Buffer.from(e.signed).toString('hex'),
            signature: Buffer.from(e.signature).toString('hex'),
            ...(digestLength ? { digestLength } : {}),
            ...(e.header ? { header: Buffer.from(e.header).toString('hex') } : {}),
          };
          appendFileSync(file, JSON.stringify(rec) + '\n', { flag: 'a' });
        },
        m.order,
        null,
        name,
      );
    },
  };
}

export interface ProofVerdict {
  readonly line: number;
  readonly sender: string;
  readonly receivedAt: number;
  readonly valid: boolean;
  readonly message?: string;
}

/** Check each record of a proof file against the sender's public key (and, for digest signatures, the digest against the message). */
export function verifyProofs(
  text: string,
  publicKey: Uint8Array,
  engine: CryptoEngine,
): ProofVerdict[] {
  const out: ProofVerdict[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let r: ProofRecord;
    try {
      r = JSON.parse(raw) as ProofRecord;
    } catch {
      out.push({ line: i + 1, sender: '?', receivedAt: 0, valid: false, message: 'not JSON' });
      return;
    }
    const signed = Uint8Array.from(Buffer.from(r.signed, 'hex'));
    const covered = r.digestLength ? signed.subarray(signed.length - r.digestLength) : signed;
    const header =
      typeof r.header === 'string'
        ? Uint8Array.from(Buffer.from(r.header, 'hex'))
        : new Uint8Array(0);
    let valid = engine.verify(
      r.algorithm,
      publicKey,
      Uint8Array.from([...header, ...covered]),
      Uint8Array.from(Buffer.from(r.signature, 'hex')),
    );
    if (valid && r.digestLength) {
      const body = signed.subarray(0, signed.length - r.digestLength);
      const hash =
        r.digestLength === 64
          ? 'sha512'
          : r.digestLength === 32
            ? 'sha256'
            : r.digestLength === 20
              ? 'sha1'
              : 'md5';
      valid = Buffer.from(engine.hash(hash, body)).equals(Buffer.from(covered));
    }
    out.push({
      line: i + 1,
      sender: r.sender,
      receivedAt: r.receivedAt,
      valid,
      message: new TextDecoder().decode(
        r.digestLength ? signed.subarray(0, signed.length - r.digestLength) : signed,
      ),
    });
  });
  return out;
}
