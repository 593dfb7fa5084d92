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
