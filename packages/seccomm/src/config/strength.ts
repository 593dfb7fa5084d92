/**
 * The order of strength between compositions, which the default recomposition policy uses to
 * refuse a downgrade. A composition's strength is one level per security attribute, taken in
 * the weaker of the two directions, counting only what protects data (mode DATA or BOTH):
 *
 *   confidentiality  0 none · 1 Caesar · 2 malleable cipher (CBC, CTR, one-time pad) · 3 AEAD, public-key privacy
 *   integrity        0 none, or only a plain digest nothing hides · 1 a plain digest under encryption,
 *                    ConsistencyCheck · 2 keyed (AEAD, HMAC, keyed-digest or signature authenticity)
 *   authenticity     0 none (public-key privacy: anyone can seal to the receiver) · 1 a shared key
 *                    (AEAD, HMAC, keyed digest) · 2 signatures
 *   replay           0 none · 1 sequence numbers or timestamps
 *   nonRepudiation   0 none · 1 non-repudiation
 *
 * A is at least as strong as B when every level of A is at least B's (a partial order: AES-GCM
 * alone and HMAC with sequence numbers are incomparable, and each is weaker than the other).
 */
import type { ResolvedComposition, ResolvedMicroProtocol } from './composition.js';
import type { MicroProtocolName } from './catalog.js';

export interface Strength {
  readonly confidentiality: number;
  readonly integrity: number;
  readonly authenticity: number;
  readonly replay: number;
  readonly nonRepudiation: number;
}

const attributes = [
  'confidentiality',
  'integrity',
  'authenticity',
  'replay',
  'nonRepudiation',
] as const;

const aead = new Set<MicroProtocolName>([
  'aes-128-gcm-privacy',
  'aes-256-gcm-privacy',
  'chacha20-poly1305-privacy',
]);
const malleable = new Set<MicroProtocolName>([
  'aes-128-cbc-privacy',
  'aes-256-cbc-privacy',
  'aes-128-ctr-privacy',
  'one-time-pad-privacy',
]);
const signatures = new Set<MicroProtocolName>([
  'signature-authenticity',
  'signature-digest-authenticity',
]);
const sharedKeyAuth = new Set<MicroProtocolName>([
  'hmac-sha256-integrity',
  'keyed-digest-authenticity',
  ...aead,
]);

function oneWay(ms: readonly ResolvedMicroProtocol[]): Strength {
  const has = (f: (m: ResolvedMicroProtocol) => boolean): boolean => ms.some(f);
  const confidentiality = has((m) => aead.has(m.name) || m.name === 'public-key-privacy')
    ? 3
    : has((m) => malleable.has(m.name))
      ? 2
      : has((m) => m.name === 'caesar-privacy')
        ? 1
        : 0;
  const authenticity = has((m) => signatures.has(m.name))
    ? 2
    : has((m) => sharedKeyAuth.has(m.name))
      ? 1
      : 0;
  const hiddenDigest =
    confidentiality > 0 && has((m) => m.class === 'integrity' || m.name === 'consistency-check');
  const integrity =
    authenticity > 0 || has((m) => m.name === 'public-key-privacy') ? 2 : hiddenDigest ? 1 : 0;
  return {
    confidentiality,
    integrity,
    authenticity,
    replay: has((m) => m.class === 'replay-prevention') ? 1 : 0,
    nonRepudiation: has((m) => m.class === 'non-repudiation') ? 1 : 0,
  };
}

/** The strength of a resolved composition (see the module comment for the levels). */
export function strengthOf(c: ResolvedComposition): Strength {
  const data = c.microProtocols.filter((m) => m.mode !== 'KEYS');
  const [cs, sc] = (['CS', 'SC'] as const).map((d) =>
    oneWay(data.filter((m) => m.direction === 'BOTH' || m.direction === d)),
  ) as [Strength, Strength];
  return Object.fromEntries(
    attributes.map((a) => [a, Math.min(cs[a], sc[a])]),
  ) as unknown as Strength;
}

/** null when `proposed` is at least as strong as `reference` in every attribute, else which are weaker ("replay 0 < 1"). */
export function compareStrength(proposed: Strength, reference: Partial<Strength>): string | null {
  const weaker = attributes
    .filter((a) => proposed[a] < (reference[a] ?? 0))
    .map((a) => `${a} ${proposed[a]} < ${reference[a] ?? 0}`);
  return weaker.length === 0 ? null : weaker.join(', ');
}
