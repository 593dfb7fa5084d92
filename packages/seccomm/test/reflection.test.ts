/**
 * Reflection (issue 10): a client's own frame sent back to it must not be delivered as if the
 * server had sent it. Each direction has its own keys (HKDF with the sender's role) and the
 * sender's role is in the associated data, so a reflected frame fails to open.
 */
import { presets, resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { runScenario } from '@conduits/seccomm/testing';

const N = 30;
const TARGETED = 10;

const compositions: Record<string, CompositionConfig> = {
  'esp-like': presets['esp-like'],
  'tls-record-like': presets['tls-record-like'],
  'AES-256-GCM under a predefined key': {
    keys: { predefined: [1] },
    microProtocols: [{ use: 'aes-256-gcm-privacy', key: 1 }],
  },
  'HMAC integrity under a predefined key': {
    keys: { predefined: [1] },
    microProtocols: [{ use: 'hmac-sha256-integrity', key: 1 }],
  },
  'keyed-digest authenticity': {
    keys: { predefined: [1] },
    microProtocols: [{ use: 'sha256-digest' }, { use: 'keyed-digest-authenticity', key: 1 }],
  },
  'AES-CBC with HMAC': {
    keys: { predefined: [1, 2] },
    microProtocols: [
      { use: 'aes-128-cbc-privacy', key: 1 },
      { use: 'hmac-sha256-integrity', key: 2 },
    ],
  },
};

describe.each(Object.keys(compositions))(
  "%s: a client's own frames reflected back to it",
  (name) => {
    test('are refused with an alert, never delivered; honest traffic is complete', () => {
      const s = runScenario(resolveComposition(compositions[name] as CompositionConfig), {
        messages: N,
        adversary: 'reflect',
        seed: 3,
      });
      expect(s).toMatchObject({
        gotThrough: 0,
        intactAndExactlyOnce: true,
        complete: true,
        alerts: TARGETED,
      });
    });
  },
);
