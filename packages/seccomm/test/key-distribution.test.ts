import { defaultPool, GraphBuilder, Scheduler, type CompositeProtocol } from '@conduits/core';
import { linkPair, ProbeAdaptor, type LinkAdaptor } from '@conduits/core/testing';
import { engines, type CryptoEngine } from '@conduits/crypto';
import {
  AuditLog,
  openConnection,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';
import { Keys, keyInstalled, Push, replaceKey } from '@conduits/seccomm/internal';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function pair(
  engine: CryptoEngine,
  config: CompositionConfig,
  keys = new Map<number, Uint8Array>(),
  extra: { privateKeys?: [Uint8Array, Uint8Array]; delay?: number } = {},
) {
  const scheduler = new Scheduler();
  const composition = resolveComposition(config);
  const [cl, sl] = linkPair('client-link', 'server-link', extra.delay ?? 5);
  const signers = extra.privateKeys?.map((k) => engine.signingKey('ed25519', k).publicKey);
  const side = (role: 'client' | 'server', link: LinkAdaptor) => {
    const g = new GraphBuilder(role);
    const app = g.add(new ProbeAdaptor(`${role}-app`));
    const conn = openConnection(`seccomm-${role}`, composition, {
      engine,
      role,
      keys,
      now: () => scheduler.now(),
      participants: { self: role, peer: role === 'client' ? 'server' : 'client' },
      ...(extra.privateKeys && signers
        ? {
            privateKey: extra.privateKeys[role === 'client' ? 0 : 1],
            publicKeys: new Map([
              [
                role === 'client' ? 'server' : 'client',
                signers[role === 'client' ? 1 : 0] as Uint8Array,
              ],
            ]),
          }
        : {}),
    });
    g.stack(app, conn, g.add(link));
    g.build(scheduler);
    return { app, conn };
  };
  const client = side('client', cl);
  const server = side('server', sl);
  const wire: { dir: 'cs' | 'sc'; bytes: Uint8Array }[] = [];
  cl.intercept = (b) => (wire.push({ dir: 'cs', bytes: Uint8Array.from(b) }), b);
  sl.intercept = (b) => (wire.push({ dir: 'sc', bytes: Uint8Array.from(b) }), b);
  return { scheduler, client, server, wire, cl, sl };
}

const audit = (c: CompositeProtocol): string[] =>
  c.shared.get(AuditLog).map((a) => `${a.by}: ${a.reason}`);
const isKey = (b: Uint8Array): boolean => b[0] === 1;
const methods = [
  'client-key-distribution',
  'server-key-distribution',
  'dh-key-distribution',
] as const;
const psk = new Map([
  [2, new Uint8Array(32).fill(0x42)],
  [3, new Uint8Array(16).fill(0x17)],
]);
const secured = (method: string): CompositionConfig => ({
  keys: { predefined: [2, 3] },
  microProtocols: [
    { use: 'aes-256-gcm-privacy', key: 1, order: 40 },
    { use: 'sequence-replay-prevention', mode: 'BOTH' },
    { use: method, key: 1 },
    // The key-distribution messages are encrypted under key 3 and authenticated under key 2.
    { use: 'aes-128-gcm-privacy', key: 3, mode: 'KEYS', order: 41 },
    { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
    { use: 'security-audit' },
  ],
});

describe.each(Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]))(
  'key distribution on the %s engine',
  (_n, engine) => {
    test.each(methods)(
      '%s: both ends install the same key, push waits for it, and data flows under it',
      (method) => {
        const p = pair(engine, secured(method), psk);
        // Pushed before any key exists: it waits at the gate instead of being lost.
        p.client.app.write(enc('early'));
        expect(p.client.conn.shared.get(Push).enabled).toBe(false);
        p.scheduler.run();
        const ck = p.client.conn.shared.get(Keys);
        const sk = p.server.conn.shared.get(Keys);
        expect(ck.epoch).toBe(1);
        expect(sk.epoch).toBe(1);
        expect(ck.get(1)).toEqual(sk.get(1));
        expect(ck.get(1)?.length).toBe(32);
        expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['early']);
        expect(p.client.conn.shared.get(Push).enabled).toBe(true);
        expect(p.server.conn.shared.get(Push).enabled).toBe(true);
        // The key never crosses the wire in clear (KEYS-mode privacy under key 3).
        const hex = Buffer.from(ck.get(1)!).toString('hex');
        for (const w of p.wire) expect(Buffer.from(w.bytes).toString('hex')).not.toContain(hex);
        expect(audit(p.client.conn)).toEqual([]);
        expect(audit(p.server.conn)).toEqual([]);
      },
    );

    test.each(methods)('%s: a lost key message is retransmitted on virtual time', (method) => {
      const p = pair(engine, secured(method), psk);
      let lost = 0;
      p.cl.intercept = (b) => (isKey(b) && lost++ === 0 ? null : b);
      p.sl.intercept = (b) => (isKey(b) && lost++ === 1 ? null : b);
      p.scheduler.run();
      expect(p.client.conn.shared.get(Keys).get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
      expect(p.client.conn.shared.get(Keys).epoch).toBe(1);
      expect(p.server.conn.shared.get(Keys).epoch).toBe(1);
    });

    test.each(methods)(
      '%s: replaceKey on a live connection loses and duplicates nothing, from either end',
      (method) => {
        const p = pair(engine, secured(method), psk, { delay: 3 });
        p.scheduler.run();
        const installed: number[] = [];
        p.client.conn.runtime.bind(keyInstalled, (k) => void installed.push(k.epoch), 0, null);
        const first = Uint8Array.from(p.client.conn.shared.get(Keys).get(1)!);
        // Traffic both ways every ms, with rekeys from the client and then the server in the middle.
        for (let i = 0; i < 40; i++) {
          p.scheduler.at(p.scheduler.now() + i, () => {
            p.client.app.write(enc(`c${i}`));
            p.server.app.write(enc(`s${i}`));
            if (i === 10) p.client.conn.runtime.raise(replaceKey(1), null);
            if (i === 25) p.server.conn.runtime.raise(replaceKey(1), null);
          });
        }
        p.scheduler.run();
        expect(installed).toEqual([2, 3]);
        expect(p.client.conn.shared.get(Keys).epoch).toBe(3);
        expect(p.server.conn.shared.get(Keys).epoch).toBe(3);
        expect(p.client.conn.shared.get(Keys).get(1)).not.toEqual(first);
        expect(p.client.conn.shared.get(Keys).get(1)).toEqual(
          p.server.conn.shared.get(Keys).get(1),
        );
        expect(p.server.app.take().map((c) => dec(c.data))).toEqual(
          Array.from({ length: 40 }, (_, i) => `c${i}`),
        );
        expect(p.client.app.take().map((c) => dec(c.data))).toEqual(
          Array.from({ length: 40 }, (_, i) => `s${i}`),
        );
        expect(audit(p.client.conn)).toEqual([]);
        expect(audit(p.server.conn)).toEqual([]);
      },
    );

    test.each(methods)(
      '%s: an old key-distribution message replayed after a rekey is refused with a securityAlert',
      (method) => {
        const p = pair(engine, secured(method), psk);
        p.scheduler.run();
        const oldKeyMsgs = p.wire.filter((w) => isKey(w.bytes));
        p.client.conn.runtime.raise(replaceKey(1), null);
        p.scheduler.run();
        const key = Uint8Array.from(p.server.conn.shared.get(Keys).get(1)!);
        // The adversary replays every key message of the first distribution to the end it was meant for.
        for (const w of oldKeyMsgs)
          (w.dir === 'cs' ? p.sl : p.cl).inject(defaultPool.from(w.bytes));
        p.scheduler.run();
        // The replayed messages were refused (by replay prevention under KEYS mode or the distribution's own epoch check).
        const alerts = [...audit(p.server.conn), ...audit(p.client.conn)];
        expect(alerts.length).toBeGreaterThanOrEqual(oldKeyMsgs.length);
        expect(alerts).toEqual(alerts.filter((a) => /replay|key-epoch-unknown/.test(a)));
        expect(p.server.conn.shared.get(Keys).get(1)).toEqual(key);
        expect(p.server.conn.shared.get(Keys).epoch).toBe(2);
      },
    );
  },
);

describe("the distribution's own replay prevention (§3.3.6: the only guarantee it gives by itself)", () => {
  test.each(methods)(
    '%s: with no replay prevention configured for key messages, an old handshake replayed still raises key-msg-replayed',
    (method) => {
      const config: CompositionConfig = {
        keys: { predefined: [2] },
        microProtocols: [
          { use: 'aes-256-gcm-privacy', key: 1 },
          { use: method, key: 1 },
          { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
          { use: 'security-audit' },
        ],
      };
      const p = pair(engines.noble, config, psk);
      p.scheduler.run();
      p.client.conn.runtime.raise(replaceKey(1), null);
      p.scheduler.run();
      const second = p.wire.filter((w) => isKey(w.bytes)).slice(-3);
      p.client.conn.runtime.raise(replaceKey(1), null);
      p.scheduler.run();
      expect(p.client.conn.shared.get(Keys).epoch).toBe(3);
      for (const w of second) (w.dir === 'cs' ? p.sl : p.cl).inject(defaultPool.from(w.bytes));
      p.scheduler.run();
      const alerts = [...audit(p.server.conn), ...audit(p.client.conn)];
      expect(alerts).toContain(`${method}[key 1]: key-msg-replayed`);
      expect(p.server.conn.shared.get(Keys).get(1)).toEqual(p.client.conn.shared.get(Keys).get(1));
    },
  );

  test('a tampered key message is refused; after its retransmissions the client gives up and the old key stays in force', () => {
    const p = pair(engines.noble, secured('dh-key-distribution'), psk);
    p.scheduler.run();
    // Modify the frame of a fresh rekey's OFFER: the integrity check under key 2 refuses it before the distribution sees it.
    p.cl.intercept = (b) => (isKey(b) ? ((b[b.length - 1]! ^= 1), b) : b);
    p.client.conn.runtime.raise(replaceKey(1), null);
    p.scheduler.run();
    expect(
      audit(p.server.conn).some(
        (a) =>
          a.startsWith('hmac-sha256-integrity[key 2]: integrity-check-failed') ||
          a.includes('privacy-check-failed'),
      ),
    ).toBe(true);
    // The client gave up after its retransmissions: the old key stays in force and push is enabled again.
    expect(audit(p.client.conn)).toContain('dh-key-distribution[key 1]: key-distribution-failed');
    expect(p.client.conn.shared.get(Keys).epoch).toBe(1);
    expect(p.client.conn.shared.get(Push).enabled).toBe(true);
    p.cl.intercept = null;
    p.client.app.write(enc('still here'));
    p.scheduler.run();
    expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['still here']);
  });
});

describe('disablePush / enablePush (§3.3.6)', () => {
  test('with two distributions holding push, it opens only when both have enabled it; waiting messages leave in order', () => {
    const config: CompositionConfig = {
      keys: { predefined: [3] },
      microProtocols: [
        { use: 'aes-256-gcm-privacy', key: 1 },
        { use: 'chacha20-poly1305-privacy', key: 2, order: 41 },
        { use: 'client-key-distribution', key: 1 },
        { use: 'dh-key-distribution', key: 2 },
        { use: 'aes-128-gcm-privacy', key: 3, mode: 'KEYS', order: 42 },
      ],
    };
    const p = pair(engines.noble, config, new Map([[3, new Uint8Array(16).fill(3)]]));
    const gate = p.client.conn.shared.get(Push);
    expect(gate.holders).toEqual(['client-key-distribution[key 1]', 'dh-key-distribution[key 2]']);
    const seen: boolean[] = [];
    gate.onChange((enabled) => seen.push(enabled));
    for (const m of ['a', 'b', 'c']) p.client.app.write(enc(m));
    // When the first key is in force, the gate is still held by the second distribution.
    const atFirst: [readonly string[], number][] = [];
    p.client.conn.runtime.bind(
      keyInstalled,
      (k) => void (k.index === 1 && atFirst.push([gate.holders, gate.waiting])),
      0,
      null,
    );
    p.scheduler.run();
    expect(atFirst).toEqual([[['dh-key-distribution[key 2]'], 3]]);
    expect(seen).toEqual([true]);
    expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['a', 'b', 'c']);
    expect(p.client.conn.shared.get(Keys).epoch).toBe(2);
  });

  test('during a replacement the initiator holds push; the responder keeps sending under the old key', () => {
    const p = pair(engines.noble, secured('server-key-distribution'), psk);
    p.scheduler.run();
    p.client.conn.runtime.raise(replaceKey(1), null);
    expect(p.client.conn.shared.get(Push).enabled).toBe(false);
    expect(p.server.conn.shared.get(Push).enabled).toBe(true);
    p.client.app.write(enc('held'));
    p.server.app.write(enc('not held'));
    p.scheduler.run();
    expect(p.client.conn.shared.get(Push).enabled).toBe(true);
    expect(p.server.app.take().map((c) => dec(c.data))).toEqual(['held']);
    expect(p.client.app.take().map((c) => dec(c.data))).toEqual(['not held']);
  });
});
