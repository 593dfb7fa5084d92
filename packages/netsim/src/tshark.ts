/**
 * tshark as an outside judge of our packets (tests and tools). `ensureTshark()` installs
 * Debian's tshark when it is missing (root and Debian's archive needed), and says so loudly
 * when it cannot.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function ensureTshark(): void {
  if (tsharkAvailable()) return;
  process.stderr.write('tshark is missing: installing Debian package tshark (apt-get)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'tshark'], { stdio: 'inherit', env });
  if (r.status !== 0 || !tsharkAvailable()) throw new Error('tshark is not installed and could not be installed (apt-get install tshark failed)');
}

/** Write `pcap` to a temp file and return tshark's fields, one row per frame. */
export function tsharkFields(pcap: Uint8Array, fields: readonly string[], options: readonly string[] = []): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'conduits-tshark-'));
  const file = join(dir, 'capture.pcap');
  writeFileSync(file, pcap);
  const args = ['-r', file, ...options.flatMap((o) => ['-o', o]), '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
