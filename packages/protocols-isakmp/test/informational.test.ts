/** Informational exchanges (RFC 2409 §5.7): an authenticated Delete is honoured, and traffic brings the SAs back. */
import { pair } from './scenario.js';

test('terminate sends authenticated Deletes; the peer removes its SAs; the next datagram renegotiates', () => {
  const p = pair();
  const got: number[] = [];
  p.b.host.bind(7).datagrams$.subscribe((d) => got.push(d.data[0]!));
  const ep = p.a.host.bind(9);
  ep.send(p.b.host.address, 7, Uint8Array.of(1));
  p.net.run(p.net.scheduler.now() + 10_000);
  expect(p.b.sad.all()).toHaveLength(2);
  p.a.manager.terminate('b');
  p.net.run(p.net.scheduler.now() + 10_000);
  const kinds = p.events.b.filter((e) => e.kind !== 'dropped').map((e) => e.kind);
  expect(kinds).toEqual(['ike-up', 'child-up', 'child-deleted', 'ike-down']);
  expect(p.events.b.at(-1)).toMatchObject({ kind: 'ike-down', reason: 'deleted-by-peer' });
  expect(p.a.sad.all()).toHaveLength(0);
  expect(p.b.sad.all()).toHaveLength(0);
  expect(p.b.manager.status()).toHaveLength(0);
  // Traffic again: ACQUIRE, a fresh Main Mode and Quick Mode, then ESP.
  ep.send(p.b.host.address, 7, Uint8Array.of(2));
  p.net.run(p.net.scheduler.now() + 10_000);
  ep.send(p.b.host.address, 7, Uint8Array.of(3));
  p.net.run(p.net.scheduler.now() + 10_000);
  expect(got).toEqual([3]);
  expect(p.b.manager.status()[0]!.state).toBe('ESTABLISHED');
});
