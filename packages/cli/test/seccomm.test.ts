import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/main.js';

function run(argv: string[]): { code: number; out: string } {
  const lines: string[] = [];
  const code = main(argv, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

describe('conduits seccomm', () => {
  test('check a preset: the resolved composition, with what was added and why', () => {
    const { code, out } = run(['seccomm', 'check', 'esp-like']);
    expect(code).toBe(0);
    expect(out).toMatch(/aes-128-gcm-privacy\[key 1\]/);
    expect(out).toMatch(/derived-key-creation\[1\].*added: dh-key-distribution\[key 1\] raises keyCreate_1/);
  });

  test('check a file that cannot work: exit 2 with the conflict and a way out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccomm-'));
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ microProtocols: [{ use: 'sequence-replay-prevention' }] }));
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (s: string) => (errors.push(s), true);
    try {
      expect(run(['seccomm', 'check', f]).code).toBe(2);
    } finally {
      (process.stderr as { write: unknown }).write = write;
    }
    expect(errors.join('')).toMatch(/refused: replay prevention alone[\s\S]*way out: add authenticity/);
  });

  test('graph draws micro-protocols and dependencies (added ones dashed)', () => {
    const dot = run(['seccomm', 'graph', 'paranoid']).out;
    expect(dot).toMatch(/^digraph "paranoid"/);
    expect(dot).toContain('"non-repudiation" -> "signature-digest-authenticity" [label="signatures"');
    expect(dot).toMatch(/dh-key-distribution\[key 2\].*style=dashed/);
    expect(run(['seccomm', 'graph', 'paranoid', '--format', 'mermaid']).out).toMatch(/^flowchart LR/);
  });
});

describe('conduits seccomm run', () => {
  test('a preset under replay: one JSON summary — delivered, refused by reason, alerts, bytes per message, intact and exactly once', () => {
    const { code, out } = run(['seccomm', 'run', 'tls-record-like', '--messages', '12', '--adversary', 'replay', '--seed', '5']);
    expect(code).toBe(0);
    const s = JSON.parse(out) as Record<string, unknown>;
    expect(s).toMatchObject({ composition: 'tls-record-like', seed: 5, adversary: 'replay', delivered: { clientToServer: 12, serverToClient: 12 }, rejected: { 'replay-duplicate': 12 }, alerts: 12, intactAndExactlyOnce: true, complete: true });
    // frame 2 + sequence number 8 + nonce 12 + 64 bytes + tag 16 (the signature protects key messages only)
    expect(s['bytesOnWirePerMessage']).toBe(2 + 8 + 12 + 64 + 16);
  });

  test('the same seed gives the same run; an unknown adversary is a usage error', () => {
    const a = run(['seccomm', 'run', 'esp-like', '--messages', '9', '--adversary', 'reorder', '--seed', '77']).out;
    expect(run(['seccomm', 'run', 'esp-like', '--messages', '9', '--adversary', 'reorder', '--seed', '77']).out).toBe(a);
    const write = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = () => true;
    try {
      expect(run(['seccomm', 'run', 'esp-like', '--adversary', 'nuke']).code).toBe(2);
    } finally {
      (process.stderr as { write: unknown }).write = write;
    }
  });
});

describe('conduits seccomm verify-proof', () => {
  test('verifies a proof file with the sender\'s public key, and refuses an altered one', async () => {
    const { engines } = await import('@conduits/crypto');
    const { verifyProofs } = await import('@conduits/seccomm');
    const engine = engines.noble;
    const key = engine.signingKey('ed25519', engine.randomBytes(32));
    const record = (text: string) => {
      const signed = Buffer.from(text);
      return JSON.stringify({ sender: 'alice', receivedAt: 5, algorithm: 'ed25519', signed: signed.toString('hex'), signature: Buffer.from(key.sign(signed)).toString('hex') });
    };
    const dir = mkdtempSync(join(tmpdir(), 'seccomm-proof-'));
    const file = join(dir, 'proofs.jsonl');
    writeFileSync(file, `${record('I owe you 10')}\n${record('I owe you 20')}\n`);
    const pub = Buffer.from(key.publicKey).toString('hex');
    const ok = run(['seccomm', 'verify-proof', file, '--public-key', pub]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/all 2 records verify/);
    writeFileSync(file, `${record('I owe you 10').replace(Buffer.from('10').toString('hex'), Buffer.from('99').toString('hex'))}\n`);
    const write = process.stderr.write.bind(process.stderr);
    const errors: string[] = [];
    (process.stderr as { write: unknown }).write = (s: string) => (errors.push(s), true);
    try {
      expect(run(['seccomm', 'verify-proof', file, '--public-key', pub]).code).toBe(2);
    } finally {
      (process.stderr as { write: unknown }).write = write;
    }
    expect(errors.join('')).toMatch(/refused: 1 of 1 records do not verify/);
    expect(verifyProofs('', key.publicKey, engine)).toEqual([]);
  });
});

describe('conduits seccomm run: the reflect and downgrade adversaries (issue 10)', () => {
  test.each(['reflect', 'downgrade'])('--adversary %s on esp-like: refused, nothing got through', (adversary) => {
    const { code, out } = run(['seccomm', 'run', 'esp-like', '--messages', '12', '--adversary', adversary, '--seed', '3']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ adversary, gotThrough: 0, plaintextFrames: 0, intactAndExactlyOnce: true });
  });
});
