/**
 * ESP transforms (RFC 4303 §3.2, with the algorithm RFCs): how each encryption and integrity
 * algorithm frames the payload. Names follow the tshark/IANA wording where they exist.
 */
import type { AeadAlgorithm, CipherAlgorithm, MacAlgorithm } from '@conduits/crypto';

export type EncryptionAlgorithm =
  | 'null' // RFC 2410
  | 'aes-cbc' // RFC 3602
  | 'aes-ctr' // RFC 3686
  | 'aes-gcm' // RFC 4106
  | 'chacha20-poly1305'; // RFC 7634

export type IntegrityAlgorithm =
  | 'none' // only with an AEAD, or for interop vectors (RFC 4303 §3.2: confidentiality-only is allowed, weak)
  | 'hmac-sha1-96' // RFC 2404
  | 'hmac-sha256-128' // RFC 4868
  | 'hmac-sha384-192'
  | 'hmac-sha512-256';

export interface TransformSpec {
  readonly encryption: EncryptionAlgorithm;
  /** Encryption key bytes (for AES: 16, 24 or 32). Excludes the salt/nonce. */
  readonly encryptionKeyLength: number;
  readonly integrity: IntegrityAlgorithm;
  /** AEAD ICV bytes: 8, 12 or 16 for GCM, 16 for ChaCha20-Poly1305. */
  readonly icvLength?: number;
}

export const integrityMac: Record<
  Exclude<IntegrityAlgorithm, 'none'>,
  { mac: MacAlgorithm; keyLength: number; icvLength: number }
> = {
  'hmac-sha1-96': { mac: 'hmac-sha1', keyLength: 20, icvLength: 12 },
  'hmac-sha256-128': { mac: 'hmac-sha256', keyLength: 32, icvLength: 16 },
  'hmac-sha384-192': { mac: 'hmac-sha384', keyLength: 48, icvLength: 24 },
  'hmac-sha512-256': { mac: 'hmac-sha512', keyLength: 64, icvLength: 32 },
};

export function isAead(e: EncryptionAlgorithm): boolean {
  return e === 'aes-gcm' || e === 'chacha20-poly1305';
}

/** Bytes of salt/nonce at the end of the keying material (RFC 4106 §8.1, RFC 3686 §5.1, RFC 7634 §2). */
export function saltLength(e: EncryptionAlgorithm): number {
  return e === 'aes-gcm' || e === 'chacha20-poly1305' || e === 'aes-ctr' ? 4 : 0;
}

export function ivLength(e: EncryptionAlgorithm): number {
  return e === 'aes-cbc' ? 16 : e === 'null' ? 0 : 8;
}

/** Padding alignment: the cipher block for CBC, else 4 (RFC 4303 §2.4). */
export function padBlock(e: EncryptionAlgorithm): number {
  return e === 'aes-cbc' ? 16 : 4;
}

export function aeadAlgorithm(e: EncryptionAlgorithm, keyLength: number): AeadAlgorithm {
  if (e === 'chacha20-poly1305') return 'chacha20-poly1305';
  return keyLength === 16 ? 'aes-128-gcm' : keyLength === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
}

export function cipherAlgorithm(e: 'aes-cbc' | 'aes-ctr', keyLength: number): CipherAlgorithm {
  const bits = keyLength * 8;
  return `aes-${bits}-${e === 'aes-cbc' ? 'cbc' : 'ctr'}` as CipherAlgorithm;
}

/** tshark's names for its esp_sa table (INTEROP.md), or undefined where tshark 4.0 cannot check. */
export function tsharkNames(
  t: TransformSpec,
): { encryption: string; integrity: string } | undefined {
  const enc =
    t.encryption === 'null'
      ? 'NULL'
      : t.encryption === 'aes-cbc'
        ? 'AES-CBC [RFC3602]'
        : t.encryption === 'aes-ctr'
          ? 'AES-CTR [RFC3686]'
          : t.encryption === 'aes-gcm'
            ? `AES-GCM with ${t.icvLength ?? 16} octet ICV [RFC4106]`
            : undefined;
  const integ = {
    none: 'NULL',
    'hmac-sha1-96': 'HMAC-SHA-1-96 [RFC2404]',
    'hmac-sha256-128': 'HMAC-SHA-256-128 [RFC4868]',
    'hmac-sha384-192': 'HMAC-SHA-384-192 [RFC4868]',
    'hmac-sha512-256': 'HMAC-SHA-512-256 [RFC4868]',
  }[t.integrity];
  return enc === undefined ? undefined : { encryption: enc, integrity: integ };
}
