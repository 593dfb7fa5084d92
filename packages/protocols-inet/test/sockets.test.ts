/** Graphs talking over real loopback UDP sockets (IPv4 and IPv6), through the dgram adaptor. */
import { GraphBuilder, RealClock, Scheduler, type State } from '@conduits/core';
import { DgramAdaptor, Host, parseIpv6, type Datagram } from '@conduits/protocols-inet';

/** Answers each datagram with its bytes reversed, to whoever sent it. */
const Reverse: State = {
  name: 'reverse',
  accept(s, msg) {
    const data = msg.buffer.copy().reverse();
    msg.buffer.set(data);
    s.send('A', msg);
  },
};

describe.each(['udp4', 'udp6'] as const)('real sockets (%s)', (type) => {
  test('two graphs exchange datagrams over loopback through the socket adaptor', async () => {
    const scheduler = new Scheduler(new RealClock());
    const server = new DgramAdaptor('server-socket', { type });
    const gs = new GraphBuilder('server');
    gs.stack(gs.session('reverse', { initial: Reverse, terminal: 'B' }), gs.add(server));
    gs.build(scheduler);
    const port = await server.open();

    const host = type === 'udp4' ? '127.0.0.1' : '::1';
    const client = new DgramAdaptor('client-socket', { type, peer: { address: host, port } });
    const gc = new GraphBuilder('client');
    const app = gc.application('app');
    gc.stack(app, client);
    gc.build(scheduler);
    await client.open();
    scheduler.start();

    const replies: string[] = [];
    const done = new Promise<void>((resolve) =>
      app.messages$.subscribe((d) => {
        replies.push(new TextDecoder().decode(d.data));
        if (replies.length === 3) resolve();
      }),
    );
    for (const w of ['abc', 'hello', 'conduits']) app.send(new TextEncoder().encode(w));
    await done;
    scheduler.stop();
    await Promise.all([server.close(), client.close()]);
    expect(replies.sort()).toEqual(['cba', 'olleh', 'stiudnoc']);
    expect(server.receivedCount).toBe(3);
  });
});

test('two full IPv6/UDP host stacks tunnelled over real loopback UDP', async () => {
  const scheduler = new Scheduler(new RealClock());
  const ta = new DgramAdaptor('tunnel-a', { type: 'udp4' });
  const tb = new DgramAdaptor('tunnel-b', { type: 'udp4' });
  const a = new Host({ name: 'a', address: '2001:db8::a', link: ta }, scheduler);
  const b = new Host({ name: 'b', address: '2001:db8::b', link: tb }, scheduler);
  const [pa, pb] = await Promise.all([ta.open(), tb.open()]);
  (ta.options as { peer?: object }).peer = { address: '127.0.0.1', port: pb };
  (tb.options as { peer?: object }).peer = { address: '127.0.0.1', port: pa };
  scheduler.start();
  const eb = b.bind(7);
  const got = new Promise<Datagram>((resolve) => eb.datagrams$.subscribe(resolve));
  a.bind(1234).send(
    parseIpv6('2001:db8::b'),
    7,
    Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff),
  );
  const d = await got;
  scheduler.stop();
  await Promise.all([ta.close(), tb.close()]);
  expect(d.data.length).toBe(3000);
  expect(d.fromPort).toBe(1234);
  expect(tb.receivedCount).toBe(3); // three fragments crossed the real socket
});
