/**
 * Refresh over UDP between 7 processes (goal < 250 ms): the servers run in a network
 * namespace of their own (loopback only), started together by a line on stdin after all
 * have bound their sockets; the figure is the parent's wall time from "refresh" to the last
 * server's answer. Needs root (ip netns); prints a JSON line, or a skip line without it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let runs = 0;
const round2 = (x: number) => Math.round(x * 100) / 100;

function netns(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

export async function udpRefresh(
  n = Number(process.env.PROACTIVE_UDP_N ?? 7),
  refreshCount = 3,
): Promise<Record<string, unknown>> {
  const t = Math.floor((n - 1) / 2);
  // The channel's engine (frame signatures): node (OpenSSL) by default; PROACTIVE_UDP_ENGINE=noble for the pure-JS one.
  const engine = process.env.PROACTIVE_UDP_ENGINE ?? 'node';
  const ns = `conduits-proactive-${process.pid}-${runs++}`;
  netns('netns', 'add', ns);
  netns('-n', ns, 'link', 'set', 'lo', 'up');
  const peers = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      String(i + 1),
      { host: '127.0.0.1', port: 47000 + i + 1 },
    ]),
  );
  const children: ChildProcess[] = [];
  const events: Record<string, unknown>[] = [];
  const waiters: { event: string; count: number; resolve: () => void }[] = [];
  const seen = (event: string) => events.filter((e) => e.event === event).length;
  const waitFor = (event: string, count: number) =>
    new Promise<void>((res) =>
      seen(event) >= count ? res() : waiters.push({ event, count, resolve: res }),
    );
  try {
    for (let i = 1; i <= n; i++) {
      const config = JSON.stringify({ self: i, threshold: t, peers, seed: 'udp-bench', engine });
      const c = spawn(
        'ip',
        [
          'netns',
          'exec',
          ns,
          process.execPath,
          '--import',
          'tsx',
          resolve(here, 'udp-server-main.ts'),
          config,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'], cwd: resolve(here, '..') },
      );
      children.push(c);
      createInterface({ input: c.stdout! }).on('line', (line) => {
        try {
          events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          return;
        }
        for (const w of waiters.splice(0)) {
          if (seen(w.event) >= w.count) w.resolve();
          else waiters.push(w);
        }
      });
    }
    const all = (line: string) => children.forEach((c) => c.stdin!.write(`${line}\n`));
    await waitFor('ready', n);
    let t0 = performance.now();
    all('dkg 1');
    await waitFor('dkg', n);
    const dkgMs = performance.now() - t0;
    // Refreshes one after the other; the median is reported (the first still pays for JIT warm-up).
    const refreshTimes: number[] = [];
    for (let r = 1; r <= refreshCount; r++) {
      t0 = performance.now();
      all(`refresh ${1 + r}`);
      await waitFor('refresh', n * r);
      refreshTimes.push(performance.now() - t0);
    }
    // One FROST signature over the same broadcast, checked by node:crypto as plain Ed25519.
    const message = Buffer.from(`signed over UDP by ${n} processes`);
    t0 = performance.now();
    all(`sign ${2 + refreshCount} ${message.toString('hex')}`);
    await waitFor('sign', n);
    const signMs = performance.now() - t0;
    const signatures = new Set(events.filter((e) => e.event === 'sign').map((e) => e.signature));
    const groupKey = events.find((e) => e.event === 'dkg')?.publicKey as string | undefined;
    const signature = [...signatures][0];
    const signedOk =
      signatures.size === 1 &&
      typeof signature === 'string' &&
      groupKey !== undefined &&
      verify(
        null,
        message,
        createPublicKey({
          key: Buffer.concat([
            Buffer.from('302a300506032b6570032100', 'hex'),
            Buffer.from(groupKey, 'hex'),
          ]),
          format: 'der',
          type: 'spki',
        }),
        Buffer.from(signature, 'hex'),
      );
    const refreshMs = [...refreshTimes].sort((a, b) => a - b)[
      Math.floor(refreshTimes.length / 2)
    ] as number;
    const refreshes = events.filter((e) => e.event === 'refresh');
    const keys = new Set(
      events.filter((e) => e.event === 'dkg' || e.event === 'refresh').map((e) => e.publicKey),
    );
    if (process.env.PROACTIVE_UDP_DEBUG)
      console.error(JSON.stringify(events.filter((e) => e.event === 'dkg')));
    all('quit');
    return {
      bench: `proactive-refresh-udp-${n}-processes`,
      unit: 'ms',
      value: round2(refreshMs),
      target: '< 250 ms',
      runs: refreshTimes.map(round2),
      dkgMs: round2(dkgMs),
      allVerified: refreshes.every((e) => e.ok === true && e.verified === true),
      sameKey: keys.size === 1,
      n,
      t,
      channelEngine: engine,
      signMs: round2(signMs),
      signatureVerified: signedOk,
      load1: round2(loadavg()[0] as number),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    try {
      netns('netns', 'delete', ns);
    } catch {
      // already gone
    }
  }
}

if (process.argv[1]?.endsWith('udp.ts')) {
  udpRefresh().then(
    (line) => process.stdout.write(JSON.stringify(line) + '\n'),
    (e: unknown) =>
      process.stdout.write(
        JSON.stringify({
          bench: 'proactive-refresh-udp',
          skipped: String((e as Error).message ?? e),
        }) + '\n',
      ),
  );
}
