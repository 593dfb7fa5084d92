/**
 * @conduits/proactive benchmarks (JSON lines, DESIGN.md format). Everything runs in one
 * process (the servers of a run one after the other, messages handed over in memory), on the
 * default noble engine. This machine is shared: each line carries the 1-minute load average
 * and a calibration figure (noble Ed25519 signatures/s measured just before), so lines from
 * different runs can be compared.
 *
 *  - refresh, n = 7, t = 3 (goal < 50 ms; the 1999 toolkit: ~10 minutes for n = 5);
 *  - DKG for n = 7, 10, 31 (t = 3, 6, 15; the Zcash Foundation's FROST: t = 7, n = 10 in ~98 ms);
 *  - FROST signing with precomputed nonces: latency of one signature (t+1 shares, aggregate)
 *    and signatures/s;
 *  - share recovery, n = 7, t = 3.
 */
import { emit, median, round2 } from '@conduits/core/bench';
import { nobleGroup } from '@conduits/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { loadavg } from 'node:os';
import {
  Dkg,
  FrostCoordinator,
  frostPublicData,
  FrostSigner,
  Recovery,
  Refresh,
  type KeyShare,
  type SignatureShare,
  type SigningPackage,
} from '../src/index.js';
import { runLocally } from '../src/testing/index.js';

const g = nobleGroup('ed25519');
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function calibration(): number {
  const sk = ed25519.utils.randomSecretKey();
  const msg = new Uint8Array(32);
  ed25519.sign(msg, sk);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 300) {
    ed25519.sign(msg, sk);
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - t0));
}

const context = () => ({
  load1: round2(loadavg()[0] as number),
  calibrationEd25519SignPerSec: calibration(),
});

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function dkg(n: number, t: number): KeyShare[] {
  const servers = range(n);
  const parties = servers.map((self) => new Dkg({ group: g, self, servers, threshold: t }));
  runLocally(parties);
  return parties.map((p) => p.result());
}

// Warm-up: the optimiser sees every path once.
dkg(4, 1);

{
  const ctx = context();
  let keys = dkg(7, 3);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const parties = keys.map((k) => new Refresh({ share: k }));
    times.push(timeMs(() => runLocally(parties)));
    keys = parties.map((p) => p.result());
  }
  emit({
    bench: 'proactive-refresh-n7-t3',
    unit: 'ms',
    value: round2(median(times)),
    best: round2(Math.min(...times)),
    runs: times.length,
    target: '< 50 ms (one process)',
    seed: '1999 toolkit: ~10 min for n=5',
    ...ctx,
  });
}

for (const [n, t] of [
  [7, 3],
  [10, 6],
  [31, 15],
] as const) {
  const ctx = context();
  const runs = n === 31 ? 1 : 3;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timeMs(() => dkg(n, t)));
  emit({
    bench: `proactive-dkg-n${n}-t${t}`,
    unit: 'ms',
    value: round2(median(times)),
    runs,
    note: 'all n servers in one process: the time of the whole run, not per server',
    anchor: n === 10 ? 'ZF FROST: t=7 (min signers), n=10 in ~98 ms' : undefined,
    ...ctx,
  });
}

{
  const ctx = context();
  const keys = dkg(7, 3);
  const signers = keys.map((k) => new FrostSigner(k));
  const coordinator = new FrostCoordinator(frostPublicData(keys[0]!));
  const count = 40;
  const tPre = timeMs(() => {
    for (const s of signers) coordinator.addCommitments(s.precompute(count));
  });
  const ask = (pkg: SigningPackage): SignatureShare[] =>
    pkg.commitments.map((c) => signers[c.signer - 1]!.sign(pkg));
  const msg = new TextEncoder().encode('bench message');
  coordinator.sign(msg, ask);
  const lat: number[] = [];
  for (let i = 0; i < count - 1; i++) lat.push(timeMs(() => coordinator.sign(msg, ask)));
  const total = lat.reduce((a, b) => a + b, 0);
  emit({
    bench: 'proactive-frost-sign-n7-t3-latency',
    unit: 'ms',
    value: round2(median(lat)),
    note: 't+1 = 4 signature shares, share checks folded into aggregate, nonces precomputed',
    ...ctx,
  });
  emit({
    bench: 'proactive-frost-sign-n7-t3-throughput',
    unit: 'sig/s',
    value: round2((lat.length * 1000) / total),
    noncePrecomputeMsPer: round2(tPre / (count * signers.length)),
    ...ctx,
  });
}

{
  const ctx = context();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const keys = dkg(7, 3);
    const pub = keys[0]!;
    keys[6]!.destroy();
    const parties = keys.map(
      (k) =>
        new Recovery({
          group: g,
          self: k.index,
          target: 7,
          helpers: [1, 2, 3, 4, 5, 6],
          share: k.index === 7 ? undefined : k,
          servers: pub.servers,
          threshold: 3,
          commitments: pub.commitments,
          period: 0,
        }),
    );
    times.push(timeMs(() => runLocally(parties as never)));
    if (!parties[6]!.result().share!.verify()) throw new Error('recovery failed');
  }
  emit({
    bench: 'proactive-recovery-n7-t3',
    unit: 'ms',
    value: round2(median(times)),
    runs: times.length,
    ...ctx,
  });
}
