import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTshark } from '@conduits/netsim';
import { execFileSync } from 'node:child_process';
import { main } from '../src/main.js';

function run(argv: string[]): { code: number; out: string } {
  const lines: string[] = [];
  const code = main(argv, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

describe('conduits CLI', () => {
  test('--help lists demo and graph', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/demo/);
    expect(out).toMatch(/graph/);
  });

  test('demo runs the scenario and writes DOT and Mermaid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduits-demo-'));
    const { code, out } = run(['demo', '--out', dir]);
    expect(code).toBe(0);
    expect(out).toContain('HELLO timed out, retransmitting');
    expect(out).toContain('ALERT server/cipher: cipher-bad-tag');
    expect(out).toContain('server conversations created on demand: 2');
    expect(readFileSync(join(dir, 'demo.chat.dot'), 'utf8')).toContain('digraph "client"');
    expect(readFileSync(join(dir, 'demo.chat.mmd'), 'utf8')).toContain('flowchart BT');
  });

  test('the IPsec section: drops by reason, and its capture decrypts in tshark with the esp_sa file it wrote', () => {
    ensureTshark();
    const dir = mkdtempSync(join(tmpdir(), 'conduits-demo-'));
    const { out } = run(['demo', '--out', dir]);
    // The SA's own sessions refuse: the Cipher the forgery, the FSM the replay (Java Conduits' FSM / Coder / Cipher per SA).
    expect(out).toContain('ALERT bob/esp-cipher 0x000a11ce: esp-icv-failed');
    expect(out).toContain('ALERT bob/esp-fsm 0x000a11ce: esp-replay');
    const rows = execFileSync('tshark', ['-r', join(dir, 'demo-esp.pcap'), '-T', 'fields', '-e', 'esp.icv_good', '-e', 'esp.icv_bad'], {
      env: { ...process.env, WIRESHARK_CONFIG_DIR: join(dir, 'demo-wireshark') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Five genuine frames, the one the attacker modified, and the replay (genuine bytes: tshark has no replay window).
    expect(rows.trim().split('\n')).toEqual(['1\t0', '1\t0', '1\t0', '1\t0', '0\t1', '1\t0']);
  }, 60_000);

  test('graph chat in both formats; unknown example or format is a usage error', () => {
    expect(run(['graph', 'chat', '--format', 'mermaid']).out).toContain('subgraph');
    expect(run(['graph', 'chat']).out).toContain('subgraph cluster_');
    expect(run(['graph', 'nope']).code).toBe(2);
    expect(run(['graph', 'chat', '--format', 'svg']).code).toBe(2);
  });
});
