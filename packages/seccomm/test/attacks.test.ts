/**
 * Attacks through the netsim adversary (the "Must show"): for each configuration
 * where the attribute is present, tampering, replay, reordering, impersonation and replayed
 * key-distribution messages are refused with a securityAlert; where it is absent, the test
 * shows what gets through — the paper's trade-off, documented.
 */
import { presets, resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { runScenario } from '@conduits/seccomm/testing';
import { withSeed } from '@conduits/netsim';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'seccomm-attacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paranoid: CompositionConfig = {
  ...presets.paranoid,
  microProtocols: presets.paranoid.microProtocols.map((m) =>
    m.use === 'non-repudiation' ? { ...m, params: { file: join(dir, 'proofs.jsonl') } } : m,
  ),
};
const configs: Record<string, CompositionConfig> = {
  'esp-like': presets['esp-like'],
  'tls-record-like': presets['tls-record-like'],
  paranoid,
};
const N = 30;
/** Every third client data packet is the target of selective attacks: 10 of 30. */
const TARGETED = 10;

describe.each(Object.keys(configs))('preset %s under attack', (name) => {
  const run = (adversary: Parameters<typeof runScenario>[1]['adversary']) =>
    withSeed(
      (seed) =>
        runScenario(resolveComposition(configs[name] as CompositionConfig), {
          messages: N,
          adversary,
          seed,
        }),
      7,
    );

  test('no adversary: every message both ways, intact, exactly once, no alert', () => {
    const s = run('none');
    expect(s).toMatchObject({
      delivered: { clientToServer: N, serverToClient: N },
      alerts: 0,
      intactAndExactlyOnce: true,
      complete: true,
      keyEpoch: name === 'paranoid' ? 2 : 1,
    });
  });

  test('tampering: each altered message refused with an alert; the rest delivered', () => {
    const s = run('tamper');
    expect(s.alerts).toBe(TARGETED);
    expect(s.delivered.clientToServer).toBe(N - TARGETED);
    expect(s.intactAndExactlyOnce).toBe(true);
  });

  test('replay: every replayed message refused with an alert; nothing delivered twice', () => {
    const s = run('replay');
    expect(s.alerts).toBe(N);
    expect(Object.keys(s.rejected)).toEqual(['replay-duplicate']);
    expect(s).toMatchObject({ intactAndExactlyOnce: true, complete: true });
  });

  test('reordering within the window: everything accepted, exactly once', () => {
    expect(run('reorder')).toMatchObject({ alerts: 0, intactAndExactlyOnce: true, complete: true });
  });

  test('impersonation of the client by someone without its keys: refused with an alert', () => {
    const s = run('impersonate');
    expect(s.alerts).toBe(TARGETED);
    expect(s).toMatchObject({ gotThrough: 0, complete: true });
  });

  test('old key-distribution messages replayed: refused with an alert, keys unchanged', () => {
    const s = run('replay-keys');
    expect(s.alerts).toBeGreaterThanOrEqual(2);
    expect(Object.keys(s.rejected).every((r) => /replay|key-epoch-unknown/.test(r))).toBe(true);
    expect(s).toMatchObject({
      intactAndExactlyOnce: true,
      complete: true,
      keyEpoch: name === 'paranoid' ? 2 : 1,
    });
  });

  test('reordering far beyond the window (one message held 200 ms behind 100 others): sequence numbers refuse it with an alert; timestamps accept it within their skew', () => {
    const s = withSeed(
      (seed) =>
        runScenario(resolveComposition(configs[name] as CompositionConfig), {
          messages: 100,
          adversary: 'reorder-far',
          seed,
        }),
      7,
    );
    if (name === 'paranoid') {
      expect(s).toMatchObject({ alerts: 0, complete: true, intactAndExactlyOnce: true });
    } else {
      expect(s).toMatchObject({
        alerts: 1,
        rejected: { 'replay-outside-window': 1 },
        intactAndExactlyOnce: true,
        delivered: { clientToServer: 99 },
      });
    }
  });

  test("reflection: the client's own frames sent back to it are refused with an alert (per-direction keys, the sender in the associated data)", () => {
    const s = run('reflect');
    expect(s).toMatchObject({
      alerts: TARGETED,
      gotThrough: 0,
      intactAndExactlyOnce: true,
      complete: true,
    });
  });

  test('downgrade: a frame rewritten into PROPOSE(no protection) on a live connection does not open; no switch, nothing crosses in clear', () => {
    const s = run('downgrade');
    expect(s).toMatchObject({
      alerts: 1,
      gotThrough: 0,
      generation: { client: 0, server: 0 },
      plaintextFrames: 0,
      intactAndExactlyOnce: true,
    });
    expect(s.delivered).toEqual({ clientToServer: N - 1, serverToClient: N });
  });

  test('dropping: lost messages are lost (SecComm adds no reliability), the rest intact, no alert', () => {
    expect(run('drop')).toMatchObject({
      alerts: 0,
      intactAndExactlyOnce: true,
      complete: false,
      delivered: { clientToServer: N - TARGETED },
    });
  });
});

describe('where an attribute is absent, the attack gets through (the trade-off, §2.2)', () => {
  const run = (
    config: CompositionConfig,
    adversary: Parameters<typeof runScenario>[1]['adversary'],
  ) => runScenario(resolveComposition(config), { messages: N, adversary, seed: 11 });

  test('no replay prevention: AEAD privacy alone delivers every replayed message a second time', () => {
    const s = run(
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }] },
      'replay',
    );
    expect(s).toMatchObject({ alerts: 0, gotThrough: N, intactAndExactlyOnce: false });
  });

  test('no replay prevention: a message held far behind the stream is still delivered, late', () => {
    const s = runScenario(
      resolveComposition({
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
      }),
      { messages: 100, adversary: 'reorder-far', seed: 11 },
    );
    expect(s).toMatchObject({ alerts: 0, complete: true });
  });

  test('with replay prevention added, the same replays are refused', () => {
    const s = run(
      {
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'sequence-replay-prevention' },
        ],
      },
      'replay',
    );
    expect(s).toMatchObject({ alerts: N, gotThrough: 0 });
  });

  test('timestamps with a cache of recent messages refuse the same replays', () => {
    const s = run(
      {
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'timestamp-replay-prevention' },
        ],
      },
      'replay',
    );
    expect(s).toMatchObject({ alerts: N, gotThrough: 0, rejected: { 'replay-duplicate': N } });
  });

  test('no integrity: AES-CTR on a live connection lets a known message be rewritten into a PROPOSE — which the default policy refuses', () => {
    const s = run(
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }] },
      'downgrade',
    );
    expect(s).toMatchObject({
      generation: { client: 0, server: 0 },
      plaintextFrames: 0,
      rejected: { 'recompose-refused': 1, 'recompose-unexpected': 1 },
    });
  });

  test('no integrity: AES-CTR privacy alone delivers altered messages', () => {
    const s = run(
      { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }] },
      'tamper',
    );
    expect(s).toMatchObject({ alerts: 0, gotThrough: TARGETED });
  });

  test('ConsistencyCheck under the same CTR privacy finds the altered messages', () => {
    const s = run(
      {
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }, { use: 'consistency-check' }],
      },
      'tamper',
    );
    expect(s).toMatchObject({
      alerts: TARGETED,
      gotThrough: 0,
      rejected: { 'consistency-check-failed': TARGETED },
    });
  });

  test("no authenticity: an unprotected plain digest accepts the impersonator's messages", () => {
    const s = run({ microProtocols: [{ use: 'sha256-digest' }] }, 'impersonate');
    expect(s).toMatchObject({ alerts: 0, gotThrough: TARGETED });
  });

  test("the paper's Caesar cipher hides nothing from a tamperer: altered messages are delivered", () => {
    const s = run(
      { keys: { predefined: [1] }, microProtocols: [{ use: 'caesar-privacy', key: 1 }] },
      'tamper',
    );
    expect(s).toMatchObject({ alerts: 0, gotThrough: TARGETED });
  });

  test('keyed-digest authenticity (a digest sealed under a shared key) refuses the impersonator', () => {
    const s = run(
      {
        keys: { predefined: [1] },
        microProtocols: [{ use: 'sha256-digest' }, { use: 'keyed-digest-authenticity', key: 1 }],
      },
      'impersonate',
    );
    expect(s).toMatchObject({
      alerts: TARGETED,
      gotThrough: 0,
      rejected: { 'authenticity-failed': TARGETED },
    });
  });

  test('public-key privacy: the impersonator can seal to the server too — privacy is not authenticity', () => {
    const s = run({ microProtocols: [{ use: 'public-key-privacy' }] }, 'impersonate');
    expect(s).toMatchObject({ alerts: 0, gotThrough: TARGETED });
  });

  test('public-key privacy with signatures: the impersonator is refused', () => {
    const s = run(
      {
        keys: { privateKey: true },
        microProtocols: [{ use: 'public-key-privacy' }, { use: 'signature-authenticity' }],
      },
      'impersonate',
    );
    expect(s).toMatchObject({
      alerts: TARGETED,
      gotThrough: 0,
      rejected: { 'authenticity-failed': TARGETED },
    });
  });
});
