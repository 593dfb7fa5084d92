/**
 * Key distributions as tasks: what the TaskHost gives them, stepped message by message over a
 * link pair (the adversary re-delivers chosen frames).
 */
import { defaultPool, GraphBuilder, Scheduler } from '@conduits/core';
import { linkPair, ProbeAdaptor, type LinkAdaptor } from '@conduits/core/testing';
import { engines } from '@conduits/crypto';
import {
  AuditLog,
  openConnection,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';
import { keyCreate, Keys } from '@conduits/seccomm/internal';

const psk = new Map([[2, new Uint8Array(32).fill(0x42)]]);
/** Key messages authenticated under key 2, no replay prevention: the distribution's own checks are what is seen. */
const config = (
  method: string,
  params: Record<string, string | number | boolean> = {},
): CompositionConfig => ({
  keys: { predefined: [2] },
  microProtocols: [
    { use: 'aes-256-gcm-privacy', key: 1 },
    { use: method, key: 1, params },
    { use: 'hmac-sha256-integrity', key: 2, mode: 'KEYS' },
    { use: 'security-audit' },
  ],
});

function pair(c: CompositionConfig) {
  const scheduler = new Scheduler();
  const composition = resolveComposition(c);
  const [cl, sl] = linkPair('client-link', 'server-link', 5);
  const wire: { dir: 'cs' | 'sc'; bytes: Uint8Array }[] = [];
  cl.intercept = (b) => (wire.push({ dir: 'cs', bytes: Uint8Array.from(b) }), b);
  sl.intercept = (b) => (wire.push({ dir: 'sc', bytes: Uint8Array.from(b) }), b);
  const side = (role: 'client' | 'server', link: LinkAdaptor) => {
    const g = new GraphBuilder(role);
    const conn = openConnection(`seccomm-${role}`, composition, {
      engine: engines.noble,
      role,
      keys: psk,
      now: () => scheduler.now(),
      participants: { self: role, peer: role === 'client' ? 'server' : 'client' },
    });
    let created = 0;
    conn.runtime.bind(keyCreate(1), () => void created++, 1000, null);
    g.stack(g.add(new ProbeAdaptor(`${role}-app`)), conn, g.add(link));
    g.build(scheduler);
    return { conn, created: () => created };
  };
  const client = side('client', cl);
  const server = side('server', sl);
  const keyMsgs = (dir: 'cs' | 'sc') => wire.filter((w) => w.dir === dir && w.bytes[0] === 1);
  const audit = () =>
    [...client.conn.shared.get(AuditLog), ...server.conn.shared.get(AuditLog)].map(
      (a) => `${a.by}: ${a.reason}`,
    );
  return { scheduler, client, server, cl, sl, keyMsgs, audit };
}

test('/* REQUEST --> */ twice: the server answers the repeat with the KEY it stored, and makes no second key', () => {
  const p = pair(config('server-key-distribution'));
  p.scheduler.run();
  expect(p.server.created()).toBe(1);
  const [request] = p.keyMsgs('cs');
  const keysSent = p.keyMsgs('sc').length;
  p.sl.inject(defaultPool.from(request!.bytes));
  p.scheduler.run();
  expect(p.server.created()).toBe(1);
  const again = p.keyMsgs('sc');
  expect(again).toHaveLength(keysSent + 1);
  // The same KEY body (the frame around it may carry the new epoch).
  expect(again.at(-1)!.bytes.subarray(3).length).toBe(again[0]!.bytes.subarray(3).length);
  expect(p.audit()).toEqual([]);
  expect(p.client.conn.shared.get(Keys).get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
});

test('/* <-- ACK */ twice: a duplicated final ACK is absorbed by the client (it was a false key-msg-replayed alert)', () => {
  const p = pair(config('client-key-distribution'));
  p.scheduler.run();
  const [ack] = p.keyMsgs('sc');
  p.cl.inject(defaultPool.from(ack!.bytes));
  p.scheduler.run();
  expect(p.audit()).toEqual([]);
  expect(p.client.conn.shared.get(Keys).epoch).toBe(1);
});

test('/* OFFER --> */ lost twice: the client retransmits on virtual time at 200 and 600 ms, then completes', () => {
  const p = pair(config('dh-key-distribution'));
  let lost = 0;
  const times: number[] = [];
  p.cl.intercept = (b) => (
    b[0] === 1 && times.push(p.scheduler.now()),
    b[0] === 1 && lost++ < 2 ? null : b
  );
  p.scheduler.run();
  expect(times.slice(0, 3)).toEqual([0, 200, 600]);
  expect(p.client.conn.shared.get(Keys).epoch).toBe(1);
  expect(p.client.conn.shared.get(Keys).get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
});

test('a non-numeric retransmission parameter is a typed error at open, not an endless retransmission loop', () => {
  const p = (): unknown => pair(config('client-key-distribution', { timeout: 'soon' }));
  expect(p).toThrow(/timeout/);
});
