/**
 * Proposals as strongSwan writes them (`aes128-sha256-modp2048`, `aes128gcm16`,
 * `aes256-sha1-ecp256`), and their RFC 2409 / RFC 2407 transform attributes.
 */
import type { KeyAgreementGroup } from '@conduits/crypto';
import type { TransformSpec } from '@conduits/protocols-ipsec';
import { attr, attrValue, type SaAttribute } from '../codec/attributes.js';
import {
  AuthMethod,
  EncapsulationMode,
  EspTransform,
  KEY_IKE,
  LifeType,
  Phase1Attribute,
  Phase1Encryption,
  Phase1Hash,
  Phase2Attribute,
  Phase2Auth,
} from '../codec/constants.js';
import type { Transform } from '../codec/payloads.js';
import { IsakmpConfigError } from '../errors.js';
import type { PrfHash } from '../cipher/skeyid.js';

/** The IKE group numbers we can compute (RFC 2409 §6.2, RFC 3526 §3, RFC 5903 §3). */
const groupNumbers: Record<string, { group: KeyAgreementGroup; number: number }> = {
  modp1024: { group: 'modp1024', number: 2 },
  modp2048: { group: 'modp2048', number: 14 },
  ecp256: { group: 'p256', number: 19 },
};
function groupByNumber(n: number): KeyAgreementGroup | undefined {
  for (const g of Object.values(groupNumbers)) if (g.number === n) return g.group;
  return undefined;
}

const hashes: Record<string, { id: number; hash: PrfHash }> = {
  sha1: { id: Phase1Hash.SHA, hash: 'sha1' },
  sha256: { id: Phase1Hash.SHA2_256, hash: 'sha256' },
  sha384: { id: Phase1Hash.SHA2_384, hash: 'sha384' },
  sha512: { id: Phase1Hash.SHA2_512, hash: 'sha512' },
};

/** A phase-1 proposal: AES-CBC with a key length, a hash (and its HMAC as PRF), a group. */
export interface Phase1Suite {
  readonly keyLength: 16 | 24 | 32;
  readonly hash: PrfHash;
  readonly group: KeyAgreementGroup;
  readonly groupNumber: number;
  /** Seconds. */
  readonly lifetime: number;
}

function aesKey(s: string): 16 | 24 | 32 | undefined {
  return s === 'aes128' ? 16 : s === 'aes192' ? 24 : s === 'aes256' ? 32 : undefined;
}

export function parsePhase1(text: string, lifetime = 28_800): Phase1Suite {
  const [enc, hash, group] = text.split('-');
  const keyLength = aesKey(enc ?? '');
  const h = hashes[hash ?? ''];
  const g = groupNumbers[group ?? ''];
  if (keyLength === undefined || h === undefined || g === undefined)
    throw new IsakmpConfigError(
      `unsupported IKE proposal ${text} (have aes128/192/256, sha1/256/384/512, modp1024/modp2048/ecp256)`,
    );
  return { keyLength, hash: h.hash, group: g.group, groupNumber: g.number, lifetime };
}

export function phase1Transform(s: Phase1Suite, number: number): Transform {
  return {
    number,
    id: KEY_IKE,
    attributes: [
      attr(Phase1Attribute.ENCRYPTION_ALGORITHM, Phase1Encryption.AES_CBC),
      attr(Phase1Attribute.KEY_LENGTH, s.keyLength * 8),
      attr(Phase1Attribute.HASH_ALGORITHM, hashes[s.hash]!.id),
      attr(Phase1Attribute.AUTHENTICATION_METHOD, AuthMethod.PRE_SHARED_KEY),
      attr(Phase1Attribute.GROUP_DESCRIPTION, s.groupNumber),
      attr(Phase1Attribute.LIFE_TYPE, LifeType.SECONDS),
      attr(Phase1Attribute.LIFE_DURATION, s.lifetime),
    ],
  };
}

/** Read a phase-1 transform; undefined when it names something we do not do (so it is not chosen). */
export function readPhase1(t: Transform): Phase1Suite | undefined {
  const a = t.attributes;
  if (t.id !== KEY_IKE) return undefined;
  if (attrValue(a, Phase1Attribute.ENCRYPTION_ALGORITHM) !== Phase1Encryption.AES_CBC)
    return undefined;
  if (attrValue(a, Phase1Attribute.AUTHENTICATION_METHOD) !== AuthMethod.PRE_SHARED_KEY)
    return undefined;
  const bits = attrValue(a, Phase1Attribute.KEY_LENGTH);
  const keyLength = bits === 128 ? 16 : bits === 192 ? 24 : bits === 256 ? 32 : undefined;
  const hid = attrValue(a, Phase1Attribute.HASH_ALGORITHM);
  const h = Object.values(hashes).find((x) => x.id === hid);
  const gn = attrValue(a, Phase1Attribute.GROUP_DESCRIPTION) ?? -1;
  const group = groupByNumber(gn);
  if (keyLength === undefined || h === undefined || group === undefined) return undefined;
  const lt = attrValue(a, Phase1Attribute.LIFE_TYPE);
  // A duration of 0 (strongSwan with rekey_time = 0) sets no limit: ours applies.
  const lifetime =
    lt === undefined || lt === LifeType.SECONDS
      ? attrValue(a, Phase1Attribute.LIFE_DURATION) || 28_800
      : 28_800;
  return { keyLength, hash: h.hash, group, groupNumber: gn, lifetime };
}

export const sameSuite = (x: Phase1Suite, y: Phase1Suite): boolean =>
  x.keyLength === y.keyLength && x.hash === y.hash && x.groupNumber === y.groupNumber;

/** An ESP proposal: the ESP transform, its keying material layout, PFS group. */
export interface EspSuite {
  readonly transformId: number;
  readonly keyLength: 16 | 24 | 32;
  /** RFC 2407 authentication algorithm; 0 for AES-GCM (none). */
  readonly auth: number;
  readonly pfs: { readonly group: KeyAgreementGroup; readonly number: number } | undefined;
  readonly lifetime: number;
}

const espAuth: Record<string, number> = {
  sha1: Phase2Auth.HMAC_SHA,
  sha256: Phase2Auth.HMAC_SHA2_256,
  sha384: Phase2Auth.HMAC_SHA2_384,
  sha512: Phase2Auth.HMAC_SHA2_512,
};
const integrityOf: Record<number, TransformSpec['integrity']> = {
  [Phase2Auth.HMAC_SHA]: 'hmac-sha1-96',
  [Phase2Auth.HMAC_SHA2_256]: 'hmac-sha256-128',
  [Phase2Auth.HMAC_SHA2_384]: 'hmac-sha384-192',
  [Phase2Auth.HMAC_SHA2_512]: 'hmac-sha512-256',
};
const integrityKeyLength: Record<number, number> = {
  [Phase2Auth.HMAC_SHA]: 20,
  [Phase2Auth.HMAC_SHA2_256]: 32,
  [Phase2Auth.HMAC_SHA2_384]: 48,
  [Phase2Auth.HMAC_SHA2_512]: 64,
};

/** `aes128-sha256`, `aes256-sha1-modp2048`, `aes128gcm16`, `aes256gcm16-ecp256`. */
export function parseEsp(text: string, lifetime = 3600): EspSuite {
  const parts = text.split('-');
  const first = parts[0] ?? '';
  const gcm = /^(aes(128|192|256))gcm16$/.exec(first);
  let rest = parts.slice(1);
  let transformId: number;
  let auth = 0;
  const keyLength = aesKey(gcm ? gcm[1]! : first);
  if (gcm) transformId = EspTransform.ESP_AES_GCM_16;
  else {
    transformId = EspTransform.ESP_AES;
    auth = espAuth[rest[0] ?? ''] ?? -1;
    rest = rest.slice(1);
  }
  const g = rest[0] === undefined ? undefined : groupNumbers[rest[0]];
  if (
    keyLength === undefined ||
    auth < 0 ||
    (rest[0] !== undefined && g === undefined) ||
    rest.length > 1
  )
    throw new IsakmpConfigError(`unsupported ESP proposal ${text}`);
  return {
    transformId,
    keyLength,
    auth,
    pfs: g ? { group: g.group, number: g.number } : undefined,
    lifetime,
  };
}

export function espTransform(
  s: EspSuite,
  number: number,
  mode: 'tunnel' | 'transport',
  udp: boolean,
): Transform {
  const encap =
    mode === 'tunnel'
      ? udp
        ? EncapsulationMode.UDP_ENCAPSULATED_TUNNEL
        : EncapsulationMode.TUNNEL
      : udp
        ? EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT
        : EncapsulationMode.TRANSPORT;
  const attributes: SaAttribute[] = [
    attr(Phase2Attribute.SA_LIFE_TYPE, LifeType.SECONDS),
    attr(Phase2Attribute.SA_LIFE_DURATION, s.lifetime),
    attr(Phase2Attribute.ENCAPSULATION_MODE, encap),
    attr(Phase2Attribute.KEY_LENGTH, s.keyLength * 8),
  ];
  if (s.auth !== 0) attributes.push(attr(Phase2Attribute.AUTHENTICATION_ALGORITHM, s.auth));
  if (s.pfs) attributes.push(attr(Phase2Attribute.GROUP_DESCRIPTION, s.pfs.number));
  return { number, id: s.transformId, attributes };
}

export interface ReadEsp {
  readonly suite: EspSuite;
  readonly mode: 'tunnel' | 'transport';
  readonly udp: boolean;
}

export function readEsp(t: Transform): ReadEsp | undefined {
  const a = t.attributes;
  const bits = attrValue(a, Phase2Attribute.KEY_LENGTH);
  const keyLength = bits === 128 ? 16 : bits === 192 ? 24 : bits === 256 ? 32 : undefined;
  const auth = attrValue(a, Phase2Attribute.AUTHENTICATION_ALGORITHM) ?? 0;
  const encap = attrValue(a, Phase2Attribute.ENCAPSULATION_MODE);
  const gn = attrValue(a, Phase2Attribute.GROUP_DESCRIPTION);
  const group = gn === undefined ? undefined : groupByNumber(gn);
  if (keyLength === undefined || encap === undefined || encap < 1 || encap > 4) return undefined;
  if (gn !== undefined && group === undefined) return undefined;
  if (
    t.id === EspTransform.ESP_AES_GCM_16
      ? auth !== 0
      : t.id !== EspTransform.ESP_AES || integrityOf[auth] === undefined
  )
    return undefined;
  const lt = attrValue(a, Phase2Attribute.SA_LIFE_TYPE);
  const lifetime =
    lt === undefined || lt === LifeType.SECONDS
      ? attrValue(a, Phase2Attribute.SA_LIFE_DURATION) || 28_800
      : 28_800;
  return {
    suite: {
      transformId: t.id,
      keyLength,
      auth,
      pfs: group && gn !== undefined ? { group, number: gn } : undefined,
      lifetime,
    },
    mode:
      encap === EncapsulationMode.TUNNEL || encap === EncapsulationMode.UDP_ENCAPSULATED_TUNNEL
        ? 'tunnel'
        : 'transport',
    udp: encap > 2,
  };
}

export const sameEsp = (x: EspSuite, y: EspSuite): boolean =>
  x.transformId === y.transformId &&
  x.keyLength === y.keyLength &&
  x.auth === y.auth &&
  x.pfs?.number === y.pfs?.number;

/** The protocols-ipsec transform and the KEYMAT layout (encryption key [+ salt], then integrity key). */
export function espSpec(s: EspSuite): {
  transform: TransformSpec;
  encryptionLength: number;
  integrityLength: number;
} {
  if (s.transformId === EspTransform.ESP_AES_GCM_16)
    return {
      transform: {
        encryption: 'aes-gcm',
        encryptionKeyLength: s.keyLength,
        integrity: 'none',
        icvLength: 16,
      },
      encryptionLength: s.keyLength + 4,
      integrityLength: 0,
    };
  return {
    transform: {
      encryption: 'aes-cbc',
      encryptionKeyLength: s.keyLength,
      integrity: integrityOf[s.auth]!,
    },
    encryptionLength: s.keyLength,
    integrityLength: integrityKeyLength[s.auth]!,
  };
}
