/** Live recomposition: both ends agree on a new composition mid-stream; nothing is lost or duplicated. */
import {
  CompositionError,
  presets,
  RecompositionBusyError,
  resolveComposition,
  type CompositionConfig,
  type Recomposition,
} from '@conduits/seccomm';
import { Keys } from '@conduits/seccomm/internal';
import { simulatedPair } from '@conduits/seccomm/testing';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function traffic(
  p: ReturnType<typeof simulatedPair>,
  n: number,
  at: (i: number) => void = () => {},
) {
  const got = { server: [] as string[], client: [] as string[] };
  p.server.onMessage((d) => void got.server.push(dec(d)));
  p.client.onMessage((d) => void got.client.push(dec(d)));
  const s = p.network.scheduler;
  for (let i = 0; i < n; i++) {
    s.after(i, () => {
      p.client.push(enc(`c${i}`));
      p.server.push(enc(`s${i}`));
      at(i);
    });
  }
  p.network.run();
  return got;
}
const all = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sorted = (x: string[]): string[] => [...x].sort();

const chacha: CompositionConfig = {
  keys: { predefined: [2] },
  microProtocols: [
    { use: 'chacha20-poly1305-privacy', key: 3 },
    { use: 'sequence-replay-prevention', mode: 'BOTH' },
    { use: 'dh-key-distribution', key: 3 },
    { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
  ],
};

describe('recompose a live connection', () => {
  test('swap the algorithm (AES-GCM → ChaCha20-Poly1305 under a newly agreed key) mid-stream, over a reordering link: every message once', () => {
    const p = simulatedPair(resolveComposition(presets['esp-like']), {
      seed: 21,
      live: true,
      link: { delay: 2, reorder: 0.3, reorderDelay: 4 },
    });
    const changes: Recomposition[] = [];
    p.client.live?.changes$.subscribe((c) => changes.push(c));
    const got = traffic(p, 60, (i) => i === 20 && p.client.recompose(chacha));
    expect(sorted(got.server)).toEqual(sorted(all('c', 60)));
    expect(sorted(got.client)).toEqual(sorted(all('s', 60)));
    expect(changes).toEqual([
      { kind: 'switched', generation: 1, composition: 'composition', proposedBy: 'us' },
    ]);
    expect(p.server.live?.generation).toBe(1);
    expect(p.client.conn.micro.map((m) => m.name)).toContain('chacha20-poly1305-privacy[key 3]');
    // The new key was agreed inside the new generation; the old key carried over is still there.
    const ck = p.client.conn.shared.get(Keys);
    expect(ck.get(3)).toEqual(p.server.conn.shared.get(Keys).get(3));
    expect(ck.get(3)?.length).toBe(32);
    expect(
      p.clientHost.graph.drops.get('generation-unknown') +
        p.serverHost.graph.drops.get('generation-unknown'),
    ).toBe(0);
  });

  test('add an attribute the peer proposes (signatures), then drop it again', () => {
    // Dropping signatures is a downgrade, which the default policy refuses since issue 10: this server allows anything.
    const p = simulatedPair(
      resolveComposition({
        keys: { predefined: [1], privateKey: true },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'sequence-replay-prevention' },
        ],
      }),
      { seed: 22, live: true, serverPolicy: () => null },
    );
    const senders: (string | undefined)[] = [];
    p.server.onMessage((_d, who) => void senders.push(who));
    const signed: CompositionConfig = {
      keys: { privateKey: true },
      microProtocols: [
        { use: 'aes-128-gcm-privacy', key: 1 },
        { use: 'sequence-replay-prevention' },
        { use: 'signature-authenticity' },
      ],
    };
    const plain: CompositionConfig = {
      microProtocols: [
        { use: 'aes-128-gcm-privacy', key: 1 },
        { use: 'sequence-replay-prevention' },
      ],
    };
    const got = traffic(p, 30, (i) =>
      i === 5 ? p.server.recompose(signed) : i === 20 ? p.client.recompose(plain) : undefined,
    );
    expect(sorted(got.server)).toEqual(sorted(all('c', 30)));
    expect(sorted(got.client)).toEqual(sorted(all('s', 30)));
    expect(p.client.live?.generation).toBe(2);
    // Messages under generation 1 carried the client's signature, the others none.
    expect(senders.filter((s) => s === 'client').length).toBeGreaterThan(5);
    expect(senders.filter((s) => s === undefined).length).toBeGreaterThan(5);
  });

  test('a composition this end cannot open is refused at once, with a typed error', () => {
    const p = simulatedPair(resolveComposition(presets['esp-like']), { seed: 23, live: true });
    p.network.run();
    // Key 1 is 16 bytes (AES-128) and carries over: ChaCha20 under index 1 cannot work.
    expect(() =>
      p.client.recompose({ microProtocols: [{ use: 'chacha20-poly1305-privacy', key: 1 }] }),
    ).toThrow(CompositionError);
    expect(p.client.live?.generation).toBe(0);
  });

  test("a composition the peer's policy refuses comes back as REJECT with the conflict; traffic goes on unchanged", () => {
    const p = simulatedPair(resolveComposition(presets['esp-like']), {
      seed: 23,
      live: true,
      serverPolicy: (c) => (c.warnings.length > 0 ? `weak: ${c.warnings[0]}` : null),
    });
    const changes: Recomposition[] = [];
    p.client.live?.changes$.subscribe((c) => changes.push(c));
    p.server.live?.changes$.subscribe((c) => changes.push(c));
    const got = traffic(
      p,
      30,
      (i) =>
        i === 10 &&
        p.client.recompose({
          microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }, { use: 'md5-digest' }],
        }),
    );
    expect(
      changes.map((c) => [
        c.kind,
        'by' in c ? c.by : '',
        'conflict' in c ? c.conflict.slice(0, 10) : '',
      ]),
    ).toEqual([
      ['rejected', 'us', 'weak: md5-'],
      ['rejected', 'peer', 'weak: md5-'],
    ]);
    expect(sorted(got.server)).toEqual(sorted(all('c', 30)));
    expect(sorted(got.client)).toEqual(sorted(all('s', 30)));
    expect(p.client.live?.generation).toBe(0);
    expect(p.server.live?.generation).toBe(0);
  });

  test('recompose while keys are still being distributed is refused (RecompositionBusyError)', () => {
    const p = simulatedPair(resolveComposition(presets['esp-like']), { seed: 25, live: true });
    expect(() => p.client.recompose(chacha)).toThrow(RecompositionBusyError);
  });

  test("both ends propose at once: the client's proposal wins on both", () => {
    const p = simulatedPair(resolveComposition(presets['esp-like']), { seed: 24, live: true });
    const mine = { ...chacha, name: 'client-choice' };
    const theirs = { ...chacha, name: 'server-choice' };
    const got = traffic(p, 20, (i) => {
      if (i === 10) {
        p.client.recompose(mine);
        p.server.recompose(theirs);
      }
    });
    expect(p.client.live?.generation).toBe(1);
    expect(p.server.live?.generation).toBe(1);
    expect(p.server.conn.name).toContain('#1');
    expect(sorted(got.server)).toEqual(sorted(all('c', 20)));
    expect(sorted(got.client)).toEqual(sorted(all('s', 20)));
  });
});
