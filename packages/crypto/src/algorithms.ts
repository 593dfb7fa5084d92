/** Algorithm names as protocol code asks for them. */

/** AEADs. AES-GCM key lengths 128/192/256 bits; ICV (tag) 8, 12 or 16 bytes as in RFC 4106. */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** Unauthenticated modes used by ESP with a separate MAC: CBC without padding (ESP pads), CTR on a full 16-byte counter block. */
export type CipherAlgorithm =
  'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'aes-128-ctr' | 'aes-192-ctr' | 'aes-256-ctr';

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'md5';

export type MacAlgorithm = 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512' | 'hmac-md5';

/** Key agreement groups, with their IKE group numbers: modp1024 = 2, modp2048 = 14, p256 = 19, x25519 = 31. */
export type KeyAgreementGroup = 'x25519' | 'p256' | 'modp1024' | 'modp2048';

export type SignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';

export const aeadKeyLength: Record<AeadAlgorithm, number> = {
  'aes-128-gcm': 16,
  'aes-192-gcm': 24,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};

export const cipherKeyLength: Record<CipherAlgorithm, number> = {
  'aes-128-cbc': 16,
  'aes-192-cbc': 24,
  'aes-256-cbc': 32,
  'aes-128-ctr': 16,
  'aes-192-ctr': 24,
  'aes-256-ctr': 32,
};

export const hashLength: Record<HashAlgorithm, number> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  md5: 16,
};

export const macHash: Record<MacAlgorithm, HashAlgorithm> = {
  'hmac-sha1': 'sha1',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
  'hmac-md5': 'md5',
};

/** Hashes kept only for the SecComm paper's classes and old peers. */
export const legacyHashes: ReadonlySet<HashAlgorithm> = new Set(['md5', 'sha1']);
