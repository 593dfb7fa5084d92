/**
 * A throwing `datagrams$` or ICMPv6 `events$` subscriber (issue 10) is counted and raised as a
 * fault on the host's graph; the host goes on delivering. rxjs alone would rethrow it from a
 * timer and take the process down.
 */
import { MessagePool, Scheduler, type Alert } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import {
  Host,
  NextHeader,
  parseIpv6,
  type Datagram,
  type IcmpEvent,
} from '@conduits/protocols-inet';
import { sealIcmpv6, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import { config } from 'rxjs';

const escaped: unknown[] = [];
beforeAll(() => {
  config.onUnhandledError = (e) => escaped.push(e);
});
afterAll(() => {
  config.onUnhandledError = null;
});
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const pool = new MessagePool();
const me = parseIpv6('2001:db8::2');
const peer = parseIpv6('2001:db8::1');

function udp(n: number): Uint8Array {
  const m = pool.from(Uint8Array.of(n));
  writeUdp(m.buffer, 1000, 7, peer, me);
  writeIpv6Header(m.buffer, NextHeader.UDP, 64, peer, me);
  const out = m.buffer.copy();
  m.release();
  return out;
}

function echoReply(): Uint8Array {
  const m = pool.from(new Uint8Array(0));
  const at = m.buffer.push(8);
  m.buffer.bytes.set([129, 0, 0, 0, 0, 1, 0, 1], at);
  sealIcmpv6(m.buffer, peer, me);
  writeIpv6Header(m.buffer, NextHeader.ICMPV6, 64, peer, me);
  const out = m.buffer.copy();
  m.release();
  return out;
}

test('a throwing datagrams$ subscriber is a counted fault; delivery goes on', async () => {
  const link = new ProbeAdaptor('link', pool);
  const scheduler = new Scheduler();
  const h = new Host({ name: 'me', address: me, link }, scheduler);
  const ep = h.bind(7);
  const alerts: Alert[] = [];
  h.graph.alerts$.subscribe((a) => alerts.push(a));
  ep.datagrams$.subscribe(() => {
    throw new Error('app bug');
  });
  const got: Datagram[] = [];
  ep.datagrams$.subscribe((d) => got.push(d));
  const events: IcmpEvent[] = [];
  h.icmp.events$.subscribe(() => {
    throw new Error('icmp listener bug');
  });
  h.icmp.events$.subscribe((e) => events.push(e));
  for (let i = 0; i < 3; i++) link.write(udp(i));
  link.write(echoReply());
  scheduler.run();
  await flush();
  expect(escaped).toEqual([]);
  expect(got.map((d) => d.data[0])).toEqual([0, 1, 2]);
  expect(events).toHaveLength(1);
  const faults = alerts.filter((a) => a.kind === 'fault');
  expect(faults.map((a) => a.conduit)).toEqual(['udp:7', 'udp:7', 'udp:7', 'icmpv6']);
  expect(faults[0]!.reason).toContain('app bug');
  expect(h.graph.faults).toBe(4);
});
