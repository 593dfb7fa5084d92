/** Ready compositions (the presets), as configuration data. */
import type { CompositionConfig } from './composition.js';

export const presets: Record<'esp-like' | 'tls-record-like' | 'paranoid', CompositionConfig> = {
  /** Like ESP with AES-GCM: AEAD privacy + integrity, sequence numbers against replay, a DH-agreed key. */
  'esp-like': {
    name: 'esp-like',
    microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }, { use: 'sequence-replay-prevention' }, { use: 'dh-key-distribution', key: 1 }],
  },
  /** Like a TLS 1.3 record layer: ChaCha20-Poly1305, sequence numbers, keys from an X25519 exchange. */
  'tls-record-like': {
    name: 'tls-record-like',
    microProtocols: [{ use: 'chacha20-poly1305-privacy', key: 1 }, { use: 'sequence-replay-prevention' }],
  },
  /** Double encryption, two digests, a signature, replay prevention and non-repudiation. */
  paranoid: {
    name: 'paranoid',
    keys: { privateKey: true, publicKeys: 'predefined' },
    microProtocols: [
      { use: 'aes-256-gcm-privacy', key: 1, order: 40 },
      { use: 'chacha20-poly1305-privacy', key: 2, order: 45 },
      { use: 'sha256-digest', order: 20 },
      { use: 'sha512-digest', order: 21 },
      { use: 'signature-digest-authenticity', order: 30 },
      { use: 'timestamp-replay-prevention' },
      { use: 'non-repudiation' },
      { use: 'security-audit' },
    ],
  },
};
