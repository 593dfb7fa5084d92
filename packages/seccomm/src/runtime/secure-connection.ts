/**
 * A SecComm connection as a conduit (§3.1): a CompositeProtocol whose micro-protocols are
 * built from a resolved composition. Side B is the application (push / delivery), side A the
 * network (UDP, or IP directly). `open` stores the predefined keys; closing wipes them.
 */
import { CompositeProtocol, type MicroProtocol } from '@conduits/core';
import type { CryptoEngine } from '@conduits/crypto';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import { CompositionError, label, type ResolvedComposition, type ResolvedMicroProtocol } from '../config/composition.js';
import { securityAudit } from '../micro/audit.js';
import { integrity } from '../micro/integrity.js';
import { privacy } from '../micro/privacy.js';
import { replayPrevention } from '../micro/replay.js';
import { authenticity } from '../micro/authenticity.js';
import { nonRepudiation } from '../micro/non-repudiation.js';
import { Keys, Participants, PrivateKey, PublicKeys, Settings, type ParticipantIds } from './context.js';

export class NotImplementedYetError extends Error {
  override readonly name = 'NotImplementedYetError';
  constructor(readonly microProtocol: string) {
    super(`micro-protocol ${microProtocol} is not implemented yet in this release`);
  }
}

function build(m: ResolvedMicroProtocol, all: readonly ResolvedMicroProtocol[]): () => MicroProtocol {
  const digest = all.find((x) => x.class === 'integrity');
  const digestLength = digest === undefined ? undefined : { 'sha256-digest': 32, 'sha512-digest': 64, 'sha1-digest': 20, 'md5-digest': 16, 'hmac-sha256-integrity': 32 }[digest.name as string];
  switch (m.class) {
    case 'authenticity':
      if (m.name === 'signature-authenticity' || m.name === 'signature-digest-authenticity') return () => authenticity(m, digestLength ?? 0);
      break;
    case 'non-repudiation':
      return () => nonRepudiation(m, all.some((x) => x.name === 'signature-digest-authenticity') ? digestLength : undefined);
    case 'privacy':
      if (m.name === 'public-key-privacy' || m.name === 'one-time-pad-privacy') break;
      return () => privacy(m);
    case 'integrity':
      return () => integrity(m);
    case 'replay-prevention':
      return () => replayPrevention(m);
    case 'security-audit':
      return securityAudit;
    default:
      break;
  }
  throw new NotImplementedYetError(m.name);
}

export interface OpenOptions {
  readonly engine: CryptoEngine;
  readonly role: 'client' | 'server';
  /** Predefined shared secrets by key index (open(participants, keys) of §3.1). */
  readonly keys?: ReadonlyMap<number, Uint8Array>;
  readonly now: () => number;
  readonly participants?: ParticipantIds;
  /** Peers' public keys by principal. */
  readonly publicKeys?: ReadonlyMap<string, Uint8Array>;
  /** Our signing key (private bytes). */
  readonly privateKey?: Uint8Array;
}

/** Build the connection conduit for `composition`; put it in a graph between the application and the network. */
export function openConnection(name: string, composition: ResolvedComposition, options: OpenOptions): CompositeProtocol {
  for (const m of composition.microProtocols) {
    const want = (catalog[m.name] as CatalogEntry).keyLength;
    const given = m.key === undefined ? undefined : options.keys?.get(m.key);
    if (want !== undefined && given !== undefined && given.length !== want) {
      throw new CompositionError(`key ${m.key} has ${given.length} bytes and ${label(m)} needs ${want}`, `give a ${want}-byte key at index ${m.key}, or use another index`);
    }
  }
  const c = new CompositeProtocol(name, { microProtocols: composition.microProtocols.map((m) => build(m, composition.microProtocols)), protocol: 'seccomm' });
  if (options.participants) c.shared.set(Participants, options.participants);
  for (const [who, k] of options.publicKeys ?? []) c.shared.get(PublicKeys).set(who, Uint8Array.from(k));
  if (options.privateKey) c.shared.set(PrivateKey, Uint8Array.from(options.privateKey));
  c.shared.set(Settings, { engine: options.engine, role: options.role, now: options.now });
  const keys = c.shared.get(Keys);
  for (const [i, k] of options.keys ?? []) keys.set(i, Uint8Array.from(k));
  return c;
}

/** close(): micro-protocols release their key objects; the Keys table is wiped. */
export function closeConnection(c: CompositeProtocol): void {
  c.close();
  for (const k of c.shared.get(Keys).values()) k.fill(0);
  c.shared.get(Keys).clear();
  c.shared.get(PrivateKey)?.fill(0);
  c.shared.set(PrivateKey, null);
}
