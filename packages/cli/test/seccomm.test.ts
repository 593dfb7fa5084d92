import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../src/main.js';

function run(argv: string[]): { code: number; out: string; err: string } {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = main(
    argv,
    (s) => lines.push(s),
    (s) => errors.push(s),
  );
  return { code, out: lines.join('\n'), err: errors.join('\n') };
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'conduits-seccomm-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conduits seccomm', () => {
  test('check a preset: the resolved composition, with what was added and why', () => {
    const { code, out } = run(['seccomm', 'check', 'esp-like']);
    expect(code).toBe(0);
    expect(out).toMatch(/aes-128-gcm-privacy\[key 1\]/);
    expect(out).toMatch(
      /derived-key-creation\[1\].*added: dh-key-distribution\[key 1\] raises keyCreate_1/,
    );
  });

  test('check a file that cannot work: exit 2 with the conflict and a way out', () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ microProtocols: [{ use: 'sequence-replay-prevention' }] }));
    const r = run(['seccomm', 'check', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^refused: replay prevention alone.*\nway out: add authenticity/);
  });

  test('graph draws micro-protocols and dependencies (added ones dashed)', () => {
    const dot = run(['seccomm', 'graph', 'paranoid']).out;
    expect(dot).toMatch(/^digraph "paranoid"/);
    expect(dot).toContain(
      '"non-repudiation" -> "signature-digest-authenticity" [label="signatures"',
    );
    expect(dot).toMatch(/dh-key-distribution\[key 2\].*style=dashed/);
    // Wire at the bottom, as every graph the CLI draws.
    expect(dot).toContain('rankdir=BT;');
    expect(run(['seccomm', 'graph', 'paranoid', '--format', 'mermaid']).out).toMatch(
      /^flowchart BT/,
    );
  });
});

describe('conduits seccomm run', () => {
  test('a preset under replay: one JSON summary — delivered, refused by reason, alerts, bytes per message, intact and exactly once', () => {
    const { code, out } = run([
      'seccomm',
      'run',
      'tls-record-like',
      '--messages',
      '12',
      '--adversary',
      'replay',
      '--seed',
      '5',
    ]);
    expect(code).toBe(0);
    const s = JSON.parse(out) as Record<string, unknown>;
    expect(s).toMatchObject({
      composition: 'tls-record-like',
      seed: 5,
      adversary: 'replay',
      delivered: { clientToServer: 12, serverToClient: 12 },
      rejected: { 'replay-duplicate': 12 },
      alerts: 12,
      intactAndExactlyOnce: true,
      complete: true,
    });
    // frame 2 + sequence number 8 + nonce 12 + 64 bytes + tag 16 (the signature protects key messages only)
    expect(s['bytesOnWirePerMessage']).toBe(2 + 8 + 12 + 64 + 16);
  });

  test('the same seed gives the same run; an unknown adversary is a usage error', () => {
    const a = run([
      'seccomm',
      'run',
      'esp-like',
      '--messages',
      '9',
      '--adversary',
      'reorder',
      '--seed',
      '77',
    ]).out;
    expect(
      run([
        'seccomm',
        'run',
        'esp-like',
        '--messages',
        '9',
        '--adversary',
        'reorder',
        '--seed',
        '77',
      ]).out,
    ).toBe(a);
    expect(run(['seccomm', 'run', 'esp-like', '--adversary', 'nuke']).code).toBe(2);
  });

  test('--size 1200: the frames are fragmented on the wire and still counted (bytesOnWirePerMessage is not 0)', () => {
    const s = JSON.parse(
      run(['seccomm', 'run', 'tls-record-like', '--messages', '3', '--size', '1200', '--seed', '5'])
        .out,
    ) as Record<string, unknown>;
    expect(s['bytesOnWirePerMessage']).toBe(2 + 8 + 12 + 1200 + 16);
  });

  test('progress on stderr for long runs, nothing but the JSON summary on stdout', () => {
    const r = run(['seccomm', 'run', 'esp-like', '--messages', '2500', '--seed', '2']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toHaveLength(1);
    // More than one batch of scheduled messages: every one delivered once, in order of sending.
    expect(JSON.parse(r.out)).toMatchObject({
      delivered: { clientToServer: 2500, serverToClient: 2500 },
      complete: true,
      intactAndExactlyOnce: true,
    });
    const lines = r.err.split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('seccomm run: 250 of 2500 messages each way sent (10%)');
    expect(lines[9]).toBe('seccomm run: 2500 of 2500 messages each way sent (100%)');
    // Short runs say nothing on stderr.
    expect(run(['seccomm', 'run', 'esp-like', '--messages', '999', '--seed', '2']).err).toBe('');
  }, 120_000);

  test('paranoid: the proofs it writes verify with the public key it prints, and the key says which sender it covers', () => {
    const r = run(['seccomm', 'run', 'paranoid', '--messages', '4', '--seed', '9']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as {
      proofs: string;
      signingPublicKeys: { client: string; server: string };
    };
    try {
      const senders = readFileSync(s.proofs, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { sender: string }).sender);
      expect(new Set(senders)).toEqual(new Set(['client', 'server']));
      const client = run([
        'seccomm',
        'verify-proof',
        s.proofs,
        '--public-key',
        s.signingPublicKeys.client,
      ]);
      expect(client.code).toBe(0);
      const summary = JSON.parse(client.out.split('\n').at(-1) as string) as Record<
        string,
        unknown
      >;
      expect(summary).toEqual({
        verified: senders.filter((x) => x === 'client').length,
        keyCovers: ['client'],
        otherRecords: senders.filter((x) => x === 'server').length,
      });
      expect(client.err).toMatch(
        /^all \d+ records from client verify: .*records from server are signed by another key/,
      );
      // Naming the other sender with the client's key: every one of its records refused.
      const wrong = run([
        'seccomm',
        'verify-proof',
        s.proofs,
        '--public-key',
        s.signingPublicKeys.client,
        '--sender',
        'server',
      ]);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toMatch(/^refused: (\d+) of \1 records from server do not verify/);
      expect(
        run([
          'seccomm',
          'verify-proof',
          s.proofs,
          '--public-key',
          s.signingPublicKeys.server,
          '--sender',
          'server',
        ]).code,
      ).toBe(0);
    } finally {
      rmSync(dirname(s.proofs), { recursive: true, force: true });
    }
  });
});

describe('conduits seccomm verify-proof', () => {
  test("verifies a proof file with the sender's public key, and refuses an altered one", async () => {
    const { engines } = await import('@conduits/crypto');
    const { verifyProofs } = await import('@conduits/seccomm');
    const engine = engines.noble;
    const key = engine.signingKey('ed25519', engine.randomBytes(32));
    const record = (text: string) => {
      const signed = Buffer.from(text);
      return JSON.stringify({
        sender: 'alice',
        receivedAt: 5,
        algorithm: 'ed25519',
        signed: signed.toString('hex'),
        signature: Buffer.from(key.sign(signed)).toString('hex'),
      });
    };
    const file = join(dir, 'proofs.jsonl');
    writeFileSync(file, `${record('I owe you 10')}\n${record('I owe you 20')}\n`);
    const pub = Buffer.from(key.publicKey).toString('hex');
    const ok = run(['seccomm', 'verify-proof', file, '--public-key', pub]);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/^all 2 records from alice verify/);
    expect(JSON.parse(ok.out.split('\n').at(-1) as string)).toEqual({
      verified: 2,
      keyCovers: ['alice'],
      otherRecords: 0,
    });
    writeFileSync(
      file,
      `${record('I owe you 10').replace(Buffer.from('10').toString('hex'), Buffer.from('99').toString('hex'))}\n`,
    );
    const bad = run(['seccomm', 'verify-proof', file, '--public-key', pub]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^refused: 1 of 1 records do not verify/);
    expect(verifyProofs('', key.publicKey, engine)).toEqual([]);
  });
});

describe('conduits seccomm run: the reflect and downgrade adversaries (issue 10)', () => {
  test.each(['reflect', 'downgrade'])(
    '--adversary %s on esp-like: refused, nothing got through',
    (adversary) => {
      const { code, out } = run([
        'seccomm',
        'run',
        'esp-like',
        '--messages',
        '12',
        '--adversary',
        adversary,
        '--seed',
        '3',
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({
        adversary,
        gotThrough: 0,
        plaintextFrames: 0,
        intactAndExactlyOnce: true,
      });
    },
  );
});
