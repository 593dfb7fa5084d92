/**
 * A SecComm connection as a conduit (§3.1): a CompositeProtocol whose micro-protocols are
 * built from a resolved composition. Side B is the application (push / delivery), side A the
 * network (UDP, or IP directly). `open` stores the predefined keys; closing wipes them.
 */
import { CompositeProtocol, type MicroProtocol } from '@conduits/core';
import type { CryptoEngine } from '@conduits/crypto';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import {
  CompositionError,
  label,
  type ResolvedComposition,
  type ResolvedMicroProtocol,
} from '../config/composition.js';
import { securityAudit } from '../micro/audit.js';
import { digestLength, integrity } from '../micro/integrity.js';
import { privacy } from '../micro/privacy.js';
import { replayPrevention } from '../micro/replay.js';
import { authenticity } from '../micro/authenticity.js';
import { nonRepudiation } from '../micro/non-repudiation.js';
import { keyCreation } from '../micro/key-creation.js';
import { keyDistribution } from '../micro/key-distribution.js';
import { consistencyCheck } from '../micro/consistency-check.js';
import { keyedDigestAuthenticity } from '../micro/keyed-digest-authenticity.js';
import { oneTimePad } from '../micro/one-time-pad.js';
import { publicKeyPrivacy } from '../micro/public-key-privacy.js';
import { CaPublicKey, publicKeyAcquisition } from '../micro/public-key-acquisition.js';
import {
  AgreementKeys,
  AgreementPrivateKey,
  Keys,
  Participants,
  PrivateKey,
  PublicKeys,
  Settings,
  type ParticipantIds,
} from './context.js';
import { framing } from './framing.js';
import { Services, type ServiceClient } from './services.js';

function build(
  m: ResolvedMicroProtocol,
  all: readonly ResolvedMicroProtocol[],
): () => MicroProtocol {
  const digestLength = digestLengthBelow(m.order, all);
  const digestSigner = all.find((x) => x.name === 'signature-digest-authenticity');
  switch (m.class) {
    case 'authenticity':
      if (m.name === 'signature-authenticity' || m.name === 'signature-digest-authenticity')
        return () => authenticity(m, digestLength ?? 0);
      if (m.name === 'keyed-digest-authenticity')
        return () =>
          keyedDigestAuthenticity(m, digestLength ?? 0, {
            rekeyable: all.some((x) => x.class === 'key-distribution' && x.key === m.key),
          });
      return () => consistencyCheck(m);
    case 'non-repudiation':
      return () =>
        nonRepudiation(
          m,
          digestSigner === undefined ? undefined : digestLengthBelow(digestSigner.order, all),
        );
    case 'privacy':
      if (m.name === 'public-key-privacy') return () => publicKeyPrivacy(m);
      if (m.name === 'one-time-pad-privacy') return () => oneTimePad(m);
      return () =>
        privacy(m, {
          rekeyable: all.some((x) => x.class === 'key-distribution' && x.key === m.key),
        });
    case 'integrity':
      return () => integrity(m);
    case 'replay-prevention':
      return () => replayPrevention(m);
    case 'security-audit':
      return securityAudit;
    case 'key-creation':
      return () => keyCreation(m);
    case 'key-distribution':
      return () => keyDistribution(m, { length: keyLength(m.key ?? 1, all) });
    case 'public-key-acquisition':
      return () => publicKeyAcquisition(m);
  }
}

/** A digest authenticity covers the digest made just before it: the integrity micro-protocol of highest order below its own. */
function digestLengthBelow(
  order: number,
  all: readonly ResolvedMicroProtocol[],
): number | undefined {
  const digest =
    all.filter((x) => x.class === 'integrity' && x.order < order).at(-1) ??
    all.find((x) => x.class === 'integrity');
  return digest === undefined ? undefined : digestLength(digest);
}

/** Bytes of key `index`: the longest any micro-protocol using it needs (32 when none says). */
function keyLength(index: number, all: readonly ResolvedMicroProtocol[]): number {
  const lengths = all
    .filter((x) => x.key === index)
    .map((x) => (catalog[x.name] as CatalogEntry).keyLength ?? 0);
  return Math.max(0, ...lengths) || 32;
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
  /** Peers' X25519 public keys by principal (public-key privacy). */
  readonly agreementKeys?: ReadonlyMap<string, Uint8Array>;
  /** Our X25519 private key (public-key privacy: to open what is sealed to us). */
  readonly agreementKey?: Uint8Array;
  /** How micro-protocols reach a KDC or a CA. */
  readonly services?: ServiceClient;
  /** The CA whose certificates public key acquisition trusts. */
  readonly caPublicKey?: Uint8Array;
  /** Set by LiveConnection: which generation this composite is (bound into every frame and key). @default 0 */
  readonly generation?: number;
}

/** Build the connection conduit for `composition`; put it in a graph between the application and the network. */
export function openConnection(
  name: string,
  composition: ResolvedComposition,
  options: OpenOptions,
): CompositeProtocol {
  const distributed = new Set(
    composition.microProtocols.filter((m) => m.class === 'key-distribution').map((m) => m.key),
  );
  for (const m of composition.microProtocols) {
    const want = (catalog[m.name] as CatalogEntry).keyLength;
    // A key that is distributed replaces whatever was given for its index: only its final length matters.
    const given =
      m.key === undefined || distributed.has(m.key) ? undefined : options.keys?.get(m.key);
    if (want !== undefined && given !== undefined && given.length !== want) {
      throw new CompositionError(
        `key ${m.key} has ${given.length} bytes and ${label(m)} needs ${want}`,
        `give a ${want}-byte key at index ${m.key}, or use another index`,
      );
    }
  }
  if (
    composition.microProtocols.some((m) => m.name === 'public-key-privacy') &&
    options.agreementKey === undefined
  ) {
    throw new CompositionError(
      'public-key-privacy opens what is sealed to us with our X25519 private key, which is not given',
      "pass agreementKey (and peers' agreementKeys, or acquire them from a CA) to open()",
    );
  }
  const c = new CompositeProtocol(name, {
    microProtocols: [
      framing,
      ...composition.microProtocols.map((m) => build(m, composition.microProtocols)),
    ],
    protocol: 'seccomm',
  });
  if (options.services) c.shared.set(Services, options.services);
  if (options.caPublicKey) c.shared.set(CaPublicKey, Uint8Array.from(options.caPublicKey));
  if (options.participants) c.shared.set(Participants, options.participants);
  for (const [who, k] of options.publicKeys ?? [])
    c.shared.get(PublicKeys).set(who, Uint8Array.from(k));
  if (options.privateKey) c.shared.set(PrivateKey, Uint8Array.from(options.privateKey));
  for (const [who, k] of options.agreementKeys ?? [])
    c.shared.get(AgreementKeys).set(who, Uint8Array.from(k));
  if (options.agreementKey)
    c.shared.set(AgreementPrivateKey, Uint8Array.from(options.agreementKey));
  c.shared.set(Settings, {
    engine: options.engine,
    role: options.role,
    now: options.now,
    generation: options.generation ?? 0,
  });
  const keys = c.shared.get(Keys);
  for (const [i, k] of options.keys ?? []) keys.predefine(i, k);
  return c;
}

/** close(): micro-protocols release their key objects; the Keys table is wiped. */
export function closeConnection(c: CompositeProtocol): void {
  c.close();
  c.shared.get(Keys).wipe();
  c.shared.get(PrivateKey)?.fill(0);
  c.shared.set(PrivateKey, null);
  c.shared.get(AgreementPrivateKey)?.fill(0);
  c.shared.set(AgreementPrivateKey, null);
}
