/**
 * A flood of unauthenticated frames into a connection with SecurityAudit (issue 10): the heap
 * the connection keeps after a million of them, measured after a full GC before and after.
 * Bounded: counters plus a ring of the latest 256 alerts, whatever the count. Needs
 * `--expose-gc` (pnpm bench passes it); run alone with `node --expose-gc --import tsx bench/flood.ts`.
 */
import { GraphBuilder, Scheduler } from '@conduits/core';
import { emit } from '@conduits/core/bench';
import { ProbeAdaptor } from '@conduits/core/testing';
import { engines } from '@conduits/crypto';
import { AuditLog, openConnection, resolveComposition } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
};

export async function flood(): Promise<void> {
  if (gc === undefined) return;
  const scheduler = new Scheduler();
  const g = new GraphBuilder('server');
  const app = g.add(new ProbeAdaptor('app'));
  const net = g.add(new ProbeAdaptor('net'));
  const conn = openConnection(
    'rx',
    resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [
        { use: 'aes-128-gcm-privacy', key: 1 },
        { use: 'sequence-replay-prevention' },
        { use: 'security-audit' },
      ],
    }),
    {
      engine: engines.node,
      role: 'server',
      keys: new Map([[1, new Uint8Array(16).fill(1)]]),
      now: () => scheduler.now(),
    },
  );
  g.stack(app, conn, net);
  g.build(scheduler);
  // A DATA frame at epoch 0 with a nonce and a tag that do not open.
  const forged = Uint8Array.of(0, 0, ...new Uint8Array(12 + 8 + 16 + 16).fill(9));
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      forged[2] = i & 0xff;
      net.write(forged);
      scheduler.run();
    }
  };
  run(100_000);
  const before = await settle();
  const n = 1_000_000;
  run(n);
  const after = await settle();
  const log = conn.shared.get(AuditLog);
  if (log.counts.get('privacy-check-failed') !== n + 100_000)
    throw new Error('flood: not every frame was refused and counted');
  emit({
    bench: 'seccomm-audit-flood-heap-per-million',
    unit: 'bytes',
    value: Math.max(0, after - before),
    frames: n,
    alertsCounted: log.total,
    alertsKept: log.length,
    target: 'bounded: counters + a ring of 256 alerts, independent of the number of frames',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await flood();
