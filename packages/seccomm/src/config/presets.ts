/** Ready compositions (the presets), as configuration data. */
import type { CompositionConfig } from './composition.js';

export const presets: Record<'esp-like' | 'tls-record-like' | 'paranoid', CompositionConfig> = {
  /**
   * Like ESP with AES-GCM keyed by IKEv2 with a pre-shared key: AEAD privacy, sequence numbers
   * against replay, key 1 agreed by X25519 and the exchange authenticated by HMAC under the
   * pre-shared key 2.
   */
  'esp-like': {
    name: 'esp-like',
    keys: { predefined: [2] },
    microProtocols: [
      { use: 'aes-128-gcm-privacy', key: 1 },
      { use: 'sequence-replay-prevention', mode: 'BOTH' },
      { use: 'dh-key-distribution', key: 1 },
      { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
    ],
  },
  /** Like a TLS 1.3 record layer: ChaCha20-Poly1305 and sequence numbers, under a key from an X25519 exchange both ends sign. */
  'tls-record-like': {
    name: 'tls-record-like',
    keys: { privateKey: true, publicKeys: 'predefined' },
    microProtocols: [
      { use: 'chacha20-poly1305-privacy', key: 1 },
      { use: 'sequence-replay-prevention', mode: 'BOTH' },
      { use: 'dh-key-distribution', key: 1 },
      { use: 'signature-authenticity', mode: 'KEYS' },
    ],
  },
  /** Double encryption, two digests, a signature, replay prevention and non-repudiation. */
  paranoid: {
    name: 'paranoid',
    keys: { privateKey: true, publicKeys: 'predefined' },
    microProtocols: [
      { use: 'aes-256-gcm-privacy', key: 1, order: 40 },
      { use: 'chacha20-poly1305-privacy', key: 2, order: 45 },
      { use: 'sha256-digest', order: 20, mode: 'BOTH' },
      { use: 'sha512-digest', order: 21, mode: 'BOTH' },
      { use: 'signature-digest-authenticity', order: 30, mode: 'BOTH' },
      { use: 'timestamp-replay-prevention', mode: 'BOTH' },
      // Relative to the working directory: each receiver appends its proofs there (give your own path).
      { use: 'non-repudiation', params: { file: 'seccomm-proofs.jsonl' } },
      { use: 'security-audit' },
    ],
  },
};
