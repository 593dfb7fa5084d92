/**
 * tshark as an outside judge of our packets (tests and tools). This library never installs
 * anything: installing the judges is `.ci/run`'s business (and a test's, if it wants to).
 * Tests ask `tsharkMissing()` and skip with its message when tshark is not there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Why a tshark test cannot run (a skip message), or undefined when tshark is there. */
export function tsharkMissing(): string | undefined {
  return tsharkAvailable()
    ? undefined
    : 'skipped: tshark is not installed (Debian package tshark; .ci/run installs it)';
}

export class TsharkMissingError extends Error {
  override readonly name = 'TsharkMissingError';
  constructor() {
    super('tshark is not installed (Debian package tshark; .ci/run installs it)');
  }
}

/** Throws `TsharkMissingError` when tshark is not installed; installs nothing. */
export function ensureTshark(): void {
  if (!tsharkAvailable()) throw new TsharkMissingError();
}

/** Write `pcap` to a temp file and return tshark's fields, one row per frame. */
export function tsharkFields(
  pcap: Uint8Array,
  fields: readonly string[],
  options: readonly string[] = [],
): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'conduits-tshark-'));
  const file = join(dir, 'capture.pcap');
  writeFileSync(file, pcap);
  const args = [
    '-r',
    file,
    ...options.flatMap((o) => ['-o', o]),
    '-T',
    'fields',
    '-E',
    'separator=\t',
    ...fields.flatMap((f) => ['-e', f]),
  ];
  let out: string;
  try {
    out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
