/**
 * Downgrade by recomposition (issue 10): an on-path attacker who can rewrite one message of a
 * malleable composition turns it into a PROPOSE of no protection. The default recomposition
 * policy refuses anything weaker than the composition in force (the order of strength in
 * config/strength.ts), and a floor set by the user bounds every proposal, ours included.
 */
import {
  CompositionError,
  compareStrength,
  presets,
  resolveComposition,
  strengthOf,
  type CompositionConfig,
} from '@conduits/seccomm';
import { runScenario, simulatedPair } from '@conduits/seccomm/testing';

const ctr: CompositionConfig = {
  keys: { predefined: [1] },
  microProtocols: [{ use: 'aes-128-ctr-privacy', key: 1 }],
};
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

test('a known-plaintext rewrite of a CTR frame into PROPOSE(nothing) is refused by the default policy: nothing ever crosses in clear', () => {
  const s = runScenario(resolveComposition(ctr), { messages: 20, adversary: 'downgrade', seed: 5 });
  expect(s.generation).toEqual({ client: 0, server: 0 });
  expect(s.plaintextFrames).toBe(0);
  // Refused loudly at the server; the REJECT nobody asked for is an alert at the client.
  expect(s.rejected).toMatchObject({ 'recompose-refused': 1, 'recompose-unexpected': 1 });
});

test.each(['esp-like', 'tls-record-like'] as const)(
  '%s: the same rewrite does not even open (AEAD); no switch, nothing in clear',
  (name) => {
    const s = runScenario(resolveComposition(presets[name]), {
      messages: 20,
      adversary: 'downgrade',
      seed: 5,
    });
    expect(s).toMatchObject({
      generation: { client: 0, server: 0 },
      plaintextFrames: 0,
      gotThrough: 0,
      alerts: 1,
      rejected: { 'privacy-check-failed': 1 },
    });
  },
);

describe('the order of strength', () => {
  const of = (c: CompositionConfig) => strengthOf(resolveComposition(c));
  test('each attribute ranks its techniques; nothing is weakest', () => {
    expect(of({ microProtocols: [] })).toEqual({
      confidentiality: 0,
      integrity: 0,
      authenticity: 0,
      replay: 0,
      nonRepudiation: 0,
    });
    expect(of(ctr)).toMatchObject({ confidentiality: 2, integrity: 0, authenticity: 0 });
    expect(of(presets['esp-like'])).toEqual({
      confidentiality: 3,
      integrity: 2,
      authenticity: 1,
      replay: 1,
      nonRepudiation: 0,
    });
    expect(of(presets['tls-record-like'])).toEqual({
      confidentiality: 3,
      integrity: 2,
      authenticity: 1,
      replay: 1,
      nonRepudiation: 0,
    });
    // One direction only counts as none: the weaker direction decides.
    expect(
      of({
        keys: { predefined: [1] },
        microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1, direction: 'CS' }],
      }),
    ).toMatchObject({ confidentiality: 0 });
    expect(
      of({ keys: { privateKey: true }, microProtocols: [{ use: 'signature-authenticity' }] }),
    ).toMatchObject({ confidentiality: 0, integrity: 2, authenticity: 2 });
  });
  test('weaker in any attribute is weaker; the reason names it', () => {
    const esp = strengthOf(resolveComposition(presets['esp-like']));
    expect(compareStrength(esp, esp)).toBeNull();
    expect(compareStrength(strengthOf(resolveComposition(ctr)), esp)).toMatch(
      /confidentiality 2 < 3/,
    );
    expect(
      compareStrength(
        strengthOf(
          resolveComposition({
            keys: { predefined: [1] },
            microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
          }),
        ),
        esp,
      ),
    ).toMatch(/replay/);
  });
});

describe('recomposition policy', () => {
  const gcm: CompositionConfig = {
    keys: { predefined: [1] },
    microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }, { use: 'sequence-replay-prevention' }],
  };
  test('by default a weaker proposal is rejected, an equal or stronger one accepted', () => {
    const p = simulatedPair(resolveComposition(gcm), { seed: 6, live: true });
    p.network.run();
    const changes: string[] = [];
    p.client.live?.changes$.subscribe((c) =>
      changes.push(`${c.kind}${'conflict' in c ? `: ${c.conflict}` : ''}`),
    );
    p.client.recompose({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }],
    });
    p.network.run();
    expect(changes).toEqual([
      expect.stringMatching(/^rejected: .*weaker than the composition in force: replay 0 < 1/),
    ]);
    p.client.recompose({
      keys: { predefined: [1], privateKey: true },
      microProtocols: [...gcm.microProtocols, { use: 'signature-authenticity' }],
    });
    p.network.run();
    expect(changes[1]).toBe('switched');
  });

  test("a floor bounds the peer's proposals whatever the policy (REJECT), and our own (CompositionError at once)", () => {
    const floor = { confidentiality: 3, replay: 1 };
    const p = simulatedPair(resolveComposition(gcm), {
      seed: 7,
      live: true,
      serverPolicy: () => null,
      serverFloor: floor,
    });
    p.network.run();
    const changes: string[] = [];
    p.client.live?.changes$.subscribe((c) =>
      changes.push(`${c.kind}${'conflict' in c ? `: ${c.conflict}` : ''}`),
    );
    p.client.recompose(ctr);
    p.network.run();
    expect(changes).toEqual([
      expect.stringMatching(
        /^rejected: .*below this connection's floor: confidentiality 2 < 3, replay 0 < 1/,
      ),
    ]);
    expect(() => p.server.recompose(ctr)).toThrow(CompositionError);
    // At the floor is fine.
    p.client.recompose({ ...gcm, name: 'same' });
    p.network.run();
    expect(changes[1]).toBe('switched');
    const got: string[] = [];
    p.server.onMessage((d) => void got.push(dec(d)));
    p.client.push(new TextEncoder().encode('still private'));
    p.network.run();
    expect(got).toEqual(['still private']);
  });
});

test('a proposal that is not a composition at all is refused with a CompositionError before anything is sent', () => {
  const p = simulatedPair(resolveComposition(presets['esp-like']), { seed: 8, live: true });
  p.network.run();
  expect(() =>
    p.client.recompose({
      keys: { predefined: 5 },
      microProtocols: [],
    } as unknown as CompositionConfig),
  ).toThrow(CompositionError);
  expect(() => p.client.recompose(null as unknown as CompositionConfig)).toThrow(CompositionError);
  expect(p.client.live?.generation).toBe(0);
});
