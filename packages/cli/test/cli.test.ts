import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsharkMissing } from '@conduits/netsim/internal';
import { execFileSync, spawnSync } from 'node:child_process';
import { main } from '../src/main.js';
import { parseMermaid } from './mermaid.js';

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

/** Graphviz renders `dot` as exactly one graph, without a word on stderr. */
function renderDot(dot: string): void {
  const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout.match(/<svg /g)).toHaveLength(1);
}

let dir: string;
let demo: { code: number; out: string; err: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'conduits-demo-'));
  demo = run(['demo', '--out', dir]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conduits CLI', () => {
  test('--help lists demo and graph', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/demo/);
    expect(out).toMatch(/graph/);
  });

  test('demo runs the scenario and writes DOT and Mermaid', () => {
    expect(demo.code).toBe(0);
    expect(demo.err).toBe('');
    expect(demo.out).toContain('HELLO timed out, retransmitting');
    expect(demo.out).toContain('ALERT server/cipher: cipher-bad-tag');
    expect(demo.out).toContain('server conversations created on demand: 2');
    // Client and server in one picture, a cluster each: one graph per file.
    const dot = readFileSync(join(dir, 'demo.chat.dot'), 'utf8');
    expect(dot.match(/^digraph /gm)).toHaveLength(1);
    expect(dot).toContain('label="graph client"');
    expect(dot).toContain('label="graph server"');
    const mmd = readFileSync(join(dir, 'demo.chat.mmd'), 'utf8');
    expect(mmd.match(/^flowchart /gm)).toHaveLength(1);
    expect(mmd).toMatch(/^flowchart BT/);
  });

  const tshark = tsharkMissing();
  (tshark ? test.skip : test)(
    `the IPsec section: drops by reason, and its capture decrypts in tshark with the esp_sa file it wrote${tshark ? ` (${tshark})` : ''}`,
    () => {
      // The SA's own sessions refuse: the Cipher the forgery, the FSM the replay (Java Conduits' FSM / Coder / Cipher per SA).
      expect(demo.out).toContain('ALERT bob/esp-cipher 0x000a11ce: esp-icv-failed');
      expect(demo.out).toContain('ALERT bob/esp-fsm 0x000a11ce: esp-replay');
      const rows = execFileSync(
        'tshark',
        [
          '-r',
          join(dir, 'demo-esp.pcap'),
          '-T',
          'fields',
          '-e',
          'esp.icv_good',
          '-e',
          'esp.icv_bad',
        ],
        {
          env: { ...process.env, WIRESHARK_CONFIG_DIR: join(dir, 'demo-wireshark') },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      // Five genuine frames, the one the attacker modified, and the replay (genuine bytes: tshark has no replay window).
      expect(rows.trim().split('\n')).toEqual(['1\t0', '1\t0', '1\t0', '1\t0', '0\t1', '1\t0']);
    },
    60_000,
  );

  test('graph chat in both formats; unknown example or format is a usage error', () => {
    expect(run(['graph', 'chat', '--format', 'mermaid']).out).toContain('subgraph');
    expect(run(['graph', 'chat']).out).toContain('subgraph cluster_');
    expect(run(['graph', 'nope']).code).toBe(2);
    expect(run(['graph', 'chat', '--format', 'svg']).code).toBe(2);
  });
});

describe('every graph the CLI writes renders: Graphviz for DOT, the Mermaid parser for Mermaid', () => {
  const examples = ['chat', 'host', 'ipsec-host', 'ipsec-gateway'];
  const presets = ['esp-like', 'tls-record-like', 'paranoid'];

  test('the demo files', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.dot') || f.endsWith('.mmd'));
    expect(files.sort()).toEqual([
      'demo.chat.dot',
      'demo.chat.mmd',
      'demo.host.dot',
      'demo.ipsec-gateway.dot',
    ]);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (f.endsWith('.dot')) renderDot(text);
      else expect(await parseMermaid(text)).toBe('flowchart-v2');
    }
  }, 60_000);

  test.each(examples)(
    'graph %s',
    async (name) => {
      const dot = run(['graph', name]);
      expect(dot.code).toBe(0);
      expect(dot.out).toMatch(/rankdir=BT;/);
      renderDot(dot.out);
      const mmd = run(['graph', name, '--format', 'mermaid']);
      expect(mmd.out).toMatch(/^flowchart BT/);
      expect(await parseMermaid(mmd.out)).toBe('flowchart-v2');
    },
    60_000,
  );

  test.each(presets)('seccomm graph %s', async (name) => {
    renderDot(run(['seccomm', 'graph', name]).out);
    expect(await parseMermaid(run(['seccomm', 'graph', name, '--format', 'mermaid']).out)).toBe(
      'flowchart-v2',
    );
  });

  test('the Mermaid parser refuses two diagrams in one text (what demo.chat.mmd held before)', async () => {
    await expect(
      parseMermaid('flowchart BT\n  a --- b\nflowchart BT\n  c --- d\n'),
    ).rejects.toThrow(/Parse error/);
  });
});
