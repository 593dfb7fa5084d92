/** Close means closed (issue 10): after close() nothing of a connection's key distribution or service calls runs on. */
import type { Alert } from '@conduits/core';
import { resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { simulatedPair } from '@conduits/seccomm/testing';

const methods = [
  'client-key-distribution',
  'server-key-distribution',
  'dh-key-distribution',
] as const;
const config = (method: string): CompositionConfig => ({
  keys: { predefined: [2] },
  microProtocols: [
    { use: 'aes-256-gcm-privacy', key: 1 },
    { use: method, key: 1 },
    { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
    { use: 'security-audit' },
  ],
});

/** Alerts, faults, and packets put on any link from now on. */
function watch(p: ReturnType<typeof simulatedPair>): {
  alerts: Alert[];
  faults: () => number;
  sent: () => number;
} {
  let sent = 0;
  for (const l of p.network.links) l.onEvent = (e) => void (e.kind === 'sent' && sent++);
  const alerts: Alert[] = [];
  p.clientHost.graph.alerts$.subscribe((a) => void alerts.push(a));
  p.serverHost.graph.alerts$.subscribe((a) => void alerts.push(a));
  return {
    alerts,
    faults: () =>
      p.network.scheduler.faultCount + p.clientHost.graph.faults + p.serverHost.graph.faults,
    sent: () => sent,
  };
}

describe('close means closed', () => {
  test.each(methods)(
    '%s: a distribution waiting for its answer retransmits nothing after close(): no alert, no fault, no timer left',
    (method) => {
      const p = simulatedPair(resolveComposition(config(method)), { seed: 21 });
      // The server never answers: the client keeps retransmitting until it is closed.
      p.network.partition(p.network.links[1]!);
      p.network.scheduler.runFor(150);
      const w = watch(p);
      p.client.close();
      p.server.close();
      p.network.scheduler.run();
      expect(w.alerts.map((a) => `${a.kind} ${a.conduit}: ${a.reason}`)).toEqual([]);
      expect(w.faults()).toBe(0);
      expect(w.sent()).toBe(0);
      expect(p.network.scheduler.run()).toBe(0);
    },
  );

  test('kdc-key-distribution: a KDC request in flight at close() is neither retransmitted nor answered into the closed connection', () => {
    const kdc: CompositionConfig = {
      keys: { predefined: [9] },
      microProtocols: [
        { use: 'aes-256-gcm-privacy', key: 1 },
        { use: 'kdc-key-distribution', key: 1, params: { kdc: '[2001:db8::ca]:88', masterKey: 9 } },
        { use: 'security-audit' },
      ],
    };
    const p = simulatedPair(resolveComposition(kdc), { seed: 22 });
    p.network.partition(p.network.links[2]!);
    p.network.scheduler.runFor(100);
    const w = watch(p);
    p.client.close();
    p.server.close();
    p.network.scheduler.run();
    expect(w.alerts.map((a) => `${a.kind} ${a.conduit}: ${a.reason}`)).toEqual([]);
    expect(w.faults()).toBe(0);
    expect(w.sent()).toBe(0);
    expect(p.network.scheduler.run()).toBe(0);
  });
});
