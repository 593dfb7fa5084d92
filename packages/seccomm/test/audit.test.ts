/**
 * Bounded audit (issue 10): SecurityAudit keeps a count per reason of every securityAlert and
 * the most recent ones in a ring of fixed size, so a flood of unauthenticated frames costs
 * counters, not memory.
 */
import { GraphBuilder, Scheduler, defaultPool } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { engines } from '@conduits/crypto';
import { AuditLog, openConnection, resolveComposition } from '@conduits/seccomm';

test('a flood of unauthenticated frames: every one counted, only the last ones kept', () => {
  const scheduler = new Scheduler();
  const g = new GraphBuilder('server');
  const app = g.add(new ProbeAdaptor('app'));
  const net = g.add(new ProbeAdaptor('net'));
  const conn = openConnection(
    'rx',
    resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }, { use: 'security-audit' }],
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
  const garbage = Uint8Array.of(0, 0, ...new Uint8Array(40).fill(9));
  const n = 3000;
  for (let i = 0; i < n; i++) {
    net.write(i % 2 ? garbage : garbage.subarray(0, 10));
    scheduler.run();
  }
  const log = conn.shared.get(AuditLog);
  expect(log.total).toBe(n);
  expect(Object.fromEntries(log.counts)).toEqual({ 'privacy-check-failed': n });
  expect(log.length).toBe(log.capacity);
  expect(log.capacity).toBeLessThan(n);
  // The ring holds the latest, oldest first.
  const times = log.map((a) => a.time);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(app.take()).toEqual([]);
  void defaultPool;
});
