/**
 * The frame header is authenticated (issue 10): kind, epoch and the live connection's generation
 * are associated data of every authenticating micro-protocol, and a new generation's keys are
 * its own, so an old frame cannot be moved into a generation whose replay state is fresh.
 */
import { resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { seccommPayload, simulatedPair, withPayload } from '@conduits/seccomm/testing';
import { Adversary } from '@conduits/netsim';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const compositions: Record<string, CompositionConfig> = {
  'AES-GCM and sequence numbers': {
    keys: { predefined: [1] },
    microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }, { use: 'sequence-replay-prevention' }],
  },
  'HMAC and sequence numbers': {
    keys: { predefined: [1] },
    microProtocols: [
      { use: 'hmac-sha256-integrity', key: 1 },
      { use: 'sequence-replay-prevention' },
    ],
  },
  'signatures and timestamps': {
    keys: { privateKey: true },
    microProtocols: [{ use: 'signature-authenticity' }, { use: 'timestamp-replay-prevention' }],
  },
  'public-key privacy and timestamps': {
    microProtocols: [{ use: 'public-key-privacy' }, { use: 'timestamp-replay-prevention' }],
  },
};

describe.each(Object.keys(compositions))('%s, live', (name) => {
  test('an old frame with its generation byte changed is refused after a live recomposition ("pay bob 100" once)', () => {
    const config = compositions[name] as CompositionConfig;
    const adversary = new Adversary();
    const p = simulatedPair(resolveComposition(config), { seed: 31, live: true, adversary });
    const got: string[] = [];
    p.server.onMessage((d) => void got.push(dec(d)));
    p.network.run();
    p.client.push(enc('pay bob 100'));
    p.network.run();
    const payment = adversary.seen.find(
      (x) => x.direction === 'a->b' && seccommPayload(x.data)?.[1] === 0,
    );
    expect(payment).toBeDefined();
    p.client.recompose({ ...config, name: 'the same, again' });
    p.network.run();
    expect(p.server.live?.generation).toBe(1);
    const moved = Uint8Array.from(seccommPayload(payment!.data)!);
    moved[0] = 1; // generation 0 → 1
    adversary.inject('a->b', withPayload(payment!.data, moved), 1);
    p.network.run();
    expect(got).toEqual(['pay bob 100']);
  });
});
