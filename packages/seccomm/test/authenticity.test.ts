import { GraphBuilder, Scheduler } from '@conduits/core';
import { linkPair, ProbeAdaptor } from '@conduits/core/testing';
import { engines } from '@conduits/crypto';
import {
  AuditLog,
  openConnection,
  resolveComposition,
  verifyProofs,
  type CompositionConfig,
} from '@conduits/seccomm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const engine = engines.noble;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const alice = engine.randomBytes(32);
const mallory = engine.randomBytes(32);
const alicePublic = engine.signingKey('ed25519', alice).publicKey;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(
  config: CompositionConfig,
  signWith: Uint8Array,
  knownKeys = new Map([['alice', alicePublic]]),
) {
  const dir = mkdtempSync(join(tmpdir(), 'seccomm-nr-'));
  dirs.push(dir);
  const proofs = join(dir, 'proofs.jsonl');
  const scheduler = new Scheduler();
  const withFile = {
    ...config,
    microProtocols: config.microProtocols.map((m) =>
      m.use === 'non-repudiation' ? { ...m, params: { file: proofs } } : m,
    ),
  };
  const composition = resolveComposition(withFile);
  const keys = new Map([[1, new Uint8Array(16).fill(4)]]);
  const [cl, sl] = linkPair('c', 's', 3);
  const side = (role: 'client' | 'server', link: typeof cl) => {
    const g = new GraphBuilder(role);
    const app = g.add(new ProbeAdaptor(`${role}-app`));
    const conn = openConnection(role, composition, {
      engine,
      role,
      keys,
      now: () => scheduler.now(),
      participants:
        role === 'client' ? { self: 'alice', peer: 'bob' } : { self: 'bob', peer: 'alice' },
      publicKeys: knownKeys,
      ...(role === 'client' ? { privateKey: signWith } : {}),
    });
    g.stack(app, conn, g.add(link));
    g.build(scheduler);
    return { app, conn };
  };
  return { scheduler, client: side('client', cl), server: side('server', sl), proofs };
}

const paranoidish: CompositionConfig = {
  keys: { predefined: [1], privateKey: true },
  microProtocols: [
    { use: 'aes-128-gcm-privacy', key: 1 },
    { use: 'sha256-digest' },
    { use: 'signature-digest-authenticity' },
    { use: 'sequence-replay-prevention' },
    { use: 'non-repudiation' },
    { use: 'security-audit' },
  ],
};

describe('authenticity and non-repudiation', () => {
  test.each(['signature-authenticity', 'signature-digest-authenticity'])(
    '%s: delivered with AUTH_SENDER; an impersonator is refused',
    (use) => {
      const config: CompositionConfig = {
        keys: { predefined: [1], privateKey: true },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'sha256-digest' },
          { use },
          { use: 'security-audit' },
        ],
      };
      const ok = setup(config, alice);
      ok.client.app.write(enc('from alice'));
      ok.scheduler.run();
      const got = ok.server.app.take();
      expect(got.map((c) => new TextDecoder().decode(c.data))).toEqual(['from alice']);
      expect(got[0]!.attributes.get('seccomm.AUTH_SENDER')).toBe('alice');
      const fake = setup(config, mallory);
      fake.client.app.write(enc('from "alice"'));
      fake.scheduler.run();
      expect(fake.server.app.take()).toEqual([]);
      expect(fake.server.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual([
        'authenticity-failed',
      ]);
    },
  );

  test('an unknown sender key raises keyMiss and the message is refused', () => {
    const s = setup(
      {
        keys: { privateKey: true },
        microProtocols: [{ use: 'signature-authenticity' }, { use: 'security-audit' }],
      },
      alice,
      new Map(),
    );
    s.client.app.write(enc('hi'));
    s.scheduler.run();
    expect(s.server.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual(['public-key-missing']);
  });

  test('the proof file shows offline who sent what; an altered record is refused (library and CLI)', () => {
    const s = setup(paranoidish, alice);
    for (const w of ['I owe you 10', 'I owe you 20']) s.client.app.write(enc(w));
    s.scheduler.run();
    expect(s.server.app.take()).toHaveLength(2);
    const text = readFileSync(s.proofs, 'utf8');
    const verdicts = verifyProofs(text, alicePublic, engine);
    expect(verdicts.map((v) => [v.sender, v.valid])).toEqual([
      ['alice', true],
      ['alice', true],
    ]);
    expect(verdicts[0]!.message).toContain('I owe you 10');
    // Someone edits the stored message.
    const altered = text.replace(
      Buffer.from('10').toString('hex'),
      Buffer.from('99').toString('hex'),
    );
    expect(altered).not.toBe(text);
    writeFileSync(s.proofs, altered);
    expect(verifyProofs(altered, alicePublic, engine).map((v) => v.valid)).toEqual([false, true]);
    // And with another key nothing verifies.
    expect(
      verifyProofs(text, engine.signingKey('ed25519', mallory).publicKey, engine).every(
        (v) => !v.valid,
      ),
    ).toBe(true);
  });
});
