import {
  GraphBuilder,
  MessagePool,
  msgFromAbove,
  msgFromBelow,
  Scheduler,
  type CompositeProtocol,
} from '@conduits/core';
import { linkPair, ProbeAdaptor } from '@conduits/core/testing';
import { engines, type CryptoEngine } from '@conduits/crypto';
import {
  AuditLog,
  openConnection,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function pair(
  engine: CryptoEngine,
  config: CompositionConfig,
  keys = new Map([
    [1, new Uint8Array(16).fill(7)],
    [2, new Uint8Array(32).fill(9)],
  ]),
) {
  const scheduler = new Scheduler();
  const composition = resolveComposition(config);
  const [cl, sl] = linkPair('client-link', 'server-link', 5);
  const side = (role: 'client' | 'server', link: typeof cl) => {
    const g = new GraphBuilder(role);
    const app = g.add(new ProbeAdaptor(`${role}-app`));
    const conn = openConnection(`seccomm-${role}`, composition, {
      engine,
      role,
      keys,
      now: () => scheduler.now(),
    });
    g.stack(app, conn, g.add(link));
    g.build(scheduler);
    return { app, conn };
  };
  const client = side('client', cl);
  const server = side('server', sl);
  const wire: Uint8Array[] = [];
  cl.intercept = (b) => (wire.push(Uint8Array.from(b)), b);
  return { scheduler, client, server, wire, serverLink: sl, clientLink: cl };
}

const audit = (c: CompositeProtocol): string[] =>
  c.shared.get(AuditLog).map((a) => `${a.by}: ${a.reason}`);
const full: CompositionConfig = {
  keys: { predefined: [1, 2] },
  microProtocols: [
    { use: 'aes-128-gcm-privacy', key: 1, order: 40 },
    { use: 'hmac-sha256-integrity', key: 2, order: 20 },
    { use: 'sequence-replay-prevention', order: 10 },
    { use: 'security-audit' },
  ],
};

describe.each(Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]))(
  'a SecComm connection on the %s engine',
  (_n, engine) => {
    test('messages cross in both directions, and the wire shows none of them', () => {
      const p = pair(
        engine,
        {
          ...full,
          microProtocols: full.microProtocols.map((m) =>
            m.use === 'aes-128-gcm-privacy'
              ? { ...m, use: 'aes-256-gcm-privacy', key: 2 }
              : m.use === 'hmac-sha256-integrity'
                ? { ...m, key: 3 }
                : m,
          ),
          keys: { predefined: [2, 3] },
        },
        new Map([
          [2, new Uint8Array(32).fill(1)],
          [3, new Uint8Array(32).fill(2)],
        ]),
      );
      p.client.app.write(enc('hello server'));
      p.server.app.write(enc('hello client'));
      p.scheduler.run();
      expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['hello server']);
      expect(p.client.app.take().map((c) => dec(c.data))).toEqual(['hello client']);
      expect(dec(p.wire[0]!)).not.toContain('hello');
    });

    test('senders run micro-protocols by order, receivers in reverse', () => {
      const p = pair(engine, full);
      const rt = p.client.conn.runtime;
      expect(rt.handlers(msgFromAbove)).toEqual([
        'push-gate@-1000000',
        'sequence-replay-prevention@10',
        'hmac-sha256-integrity[key 2]@20',
        'aes-128-gcm-privacy[key 1]@40',
        'seccomm-framing@1000000',
      ]);
      expect(rt.handlers(msgFromBelow)).toEqual([
        'seccomm-framing@1000000',
        'aes-128-gcm-privacy[key 1]@40',
        'hmac-sha256-integrity[key 2]@20',
        'sequence-replay-prevention@10',
      ]);
    });

    test('tampering and replay are refused with a securityAlert the audit records; good messages keep flowing', () => {
      const p = pair(engine, full);
      let n = 0;
      p.clientLink.intercept = (b) => {
        p.wire.push(Uint8Array.from(b));
        if (++n === 2) {
          const t = Uint8Array.from(b);
          t[t.length - 1]! ^= 1;
          return t;
        }
        return b;
      };
      for (const w of ['one', 'two', 'three']) p.client.app.write(enc(w));
      p.scheduler.run();
      p.serverLink.inject(new MessagePool().from(p.wire[0]!)); // replay of "one"
      p.scheduler.run();
      expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['one', 'three']);
      expect(audit(p.server.conn)).toEqual([
        'aes-128-gcm-privacy[key 1]: privacy-check-failed',
        'sequence-replay-prevention: replay-duplicate',
      ]);
    });

    test('without replay prevention the replay gets through (the trade-off the paper documents)', () => {
      const p = pair(
        engine,
        {
          keys: { predefined: [1] },
          microProtocols: [{ use: 'chacha20-poly1305-privacy', key: 1 }],
        },
        new Map([[1, new Uint8Array(32).fill(3)]]),
      );
      p.client.app.write(enc('once'));
      p.scheduler.run();
      p.serverLink.inject(new MessagePool().from(p.wire[0]!));
      p.scheduler.run();
      expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['once', 'once']);
    });

    test('timestamps: a message older than the allowed skew is refused', () => {
      const p = pair(engine, {
        keys: { predefined: [2] },
        microProtocols: [
          { use: 'timestamp-replay-prevention', params: { skew: 1000 } },
          { use: 'hmac-sha256-integrity', key: 2 },
          { use: 'security-audit' },
        ],
      });
      p.client.app.write(enc('fresh'));
      p.scheduler.run();
      p.scheduler.runFor(5000);
      p.serverLink.inject(new MessagePool().from(p.wire[0]!));
      p.scheduler.run();
      expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['fresh']);
      expect(audit(p.server.conn)).toEqual(['timestamp-replay-prevention: replay-stale']);
    });

    test('CBC and CTR privacy, and several digests at once', () => {
      for (const use of ['aes-128-cbc-privacy', 'aes-128-ctr-privacy', 'caesar-privacy']) {
        const p = pair(
          engine,
          {
            keys: { predefined: [1] },
            microProtocols: [
              { use, key: 1 },
              { use: 'sha256-digest' },
              { use: 'sha512-digest', order: 21 },
            ],
          },
          new Map([[1, new Uint8Array(use === 'caesar-privacy' ? 1 : 16).fill(5)]]),
        );
        p.client.app.write(enc(`through ${use}`));
        p.scheduler.run();
        expect(p.server.app.take().map((c) => dec(c.data))).toEqual([`through ${use}`]);
      }
    });

    test('direction CS applies a micro-protocol only to client-to-server traffic', () => {
      const p = pair(
        engine,
        {
          keys: { predefined: [1] },
          microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1, direction: 'CS' }],
        },
        new Map([[1, new Uint8Array(16).fill(5)]]),
      );
      p.client.app.write(enc('secret'));
      p.server.app.write(enc('public'));
      p.scheduler.run();
      expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['secret']);
      expect(p.client.app.take().map((c) => dec(c.data))).toEqual(['public']);
      expect(dec(p.wire[0]!)).not.toContain('secret');
    });
  },
);

test('a predefined key of the wrong length is refused at open, naming the key and the micro-protocol', () => {
  expect(() =>
    openConnection('x', resolveComposition(full), {
      engine: engines.noble,
      role: 'client',
      keys: new Map([
        [1, new Uint8Array(32)],
        [2, new Uint8Array(32)],
      ]),
      now: () => 0,
    }),
  ).toThrow(/key 1 has 32 bytes and aes-128-gcm-privacy\[key 1\] needs 16/);
});
