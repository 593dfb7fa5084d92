/**
 * KernelUdpLink: a real UDP socket whose kernel writes and strips the outer IPv6 and UDP
 * headers of the graph's ESP in UDP (loopback, no privileges needed; strongswan.test.ts runs
 * it against charon).
 */
import {
  GraphBuilder,
  MessagePool,
  RealClock,
  Scheduler,
  type Message,
  type Session,
} from '@conduits/core';
import { NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { checkUdp, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import { KernelUdpLink } from '@conduits/protocols-ipsec';
import { createSocket } from 'node:dgram';

test('what the socket receives goes up with the IPv6 and UDP headers the kernel took off; UDP from its port goes out as the payload alone; anything else is dropped by reason', async () => {
  const me = parseIpv6('2001:db8:a::1');
  const loopback = parseIpv6('::1');
  const scheduler = new Scheduler(new RealClock());
  const link = new KernelUdpLink('link', { address: '::1', port: 0, graphAddress: me });
  const up: Message[] = [];
  let cameUp: () => void = () => undefined;
  const arrived = new Promise<void>((r) => (cameUp = r));
  let top!: Session;
  const g = new GraphBuilder('over-a-socket');
  g.stack(
    (top = g.session('top', {
      initial: { name: 'keep', accept: (_s, m) => (up.push(m), cameUp()) },
      terminal: 'B',
    })),
    link,
  );
  const graph = g.build(scheduler);
  const port = await link.open();
  scheduler.start();
  const peer = createSocket('udp6');
  await new Promise<void>((r) => peer.bind(0, '::1', r));
  const peerPort = peer.address().port;
  const heard: Buffer[] = [];
  const heardOne = new Promise<void>((r) => peer.on('message', (d) => (heard.push(d), r())));

  // In: a datagram from the peer.
  peer.send(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 2, 9, 9), port, '::1');
  await arrived;
  const m = up[0]!;
  const b = m.buffer;
  expect(b.length).toBe(48 + 10);
  expect(b.bytes[b.start + 6]).toBe(NextHeader.UDP);
  expect([...b.bytes.subarray(b.start + 8, b.start + 24)]).toEqual([...loopback]);
  expect([...b.bytes.subarray(b.start + 24, b.start + 40)]).toEqual([...me]);
  expect([b.view.getUint16(b.start + 40), b.view.getUint16(b.start + 42)]).toEqual([
    peerPort,
    port,
  ]);
  b.pull(40);
  expect(checkUdp(b, b.start - 40)).toBeNull();
  m.release(); // the test's session kept it

  // Out: UDP from the link's port to the peer; then a packet that is not UDP, and UDP from another port.
  const pool = new MessagePool();
  const out = (nh: number, from: number): Message => {
    const o = pool.from(Uint8Array.of(0xee, 1, 2, 3));
    writeUdp(o.buffer, from, peerPort, me, loopback);
    writeIpv6Header(o.buffer, nh, 64, me, loopback);
    return o;
  };
  top.send('A', out(NextHeader.UDP, port));
  top.send('A', out(NextHeader.ESP, port));
  top.send('A', out(NextHeader.UDP, port + 1));
  await heardOne;
  scheduler.stop();
  await link.close();
  peer.close();
  expect(heard.map((d) => [...d])).toEqual([[0xee, 1, 2, 3]]);
  expect(graph.drops.snapshot()).toEqual({ 'link-not-udp': 1, 'link-wrong-port': 1 });
});
