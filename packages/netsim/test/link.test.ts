import { Network, PcapWriter, LinkType } from '@conduits/netsim';

function run(seed: number, params: object, count = 200) {
  const net = new Network(seed);
  const a = net.host('a', '2001:db8::1');
  const b = net.host('b', '2001:db8::2');
  const link = net.connect(a, b, params);
  const eb = b.bind(9);
  const times: number[] = [];
  const order: number[] = [];
  eb.datagrams$.subscribe((d) => (times.push(d.time), order.push(d.data[0]! | (d.data[1]! << 8))));
  const ea = a.bind(1);
  for (let i = 0; i < count; i++)
    net.scheduler.at(i, () => ea.send(b.address, 9, Uint8Array.of(i & 0xff, i >> 8, 0, 0)));
  net.run();
  return { net, link, times, order, b };
}

describe('simulated link', () => {
  test('the same seed replays exactly; another seed differs', () => {
    const p = { delay: 5, jitter: 4, loss: 0.1, duplicate: 0.05, reorder: 0.2 };
    const x = run(42, p);
    const y = run(42, p);
    const z = run(43, p);
    expect(y.order).toEqual(x.order);
    expect(y.times).toEqual(x.times);
    expect(z.order).not.toEqual(x.order);
  });

  test('loss, duplication and reordering happen at about their rates', () => {
    const { link, order } = run(
      5,
      { loss: 0.2, duplicate: 0.1, reorder: 0.3, reorderDelay: 20 },
      1000,
    );
    expect(link.stats.lost).toBeGreaterThan(140);
    expect(link.stats.lost).toBeLessThan(260);
    expect(link.stats.duplicated).toBeGreaterThan(50);
    const inversions = order.filter((v, i) => i > 0 && v < order[i - 1]!).length;
    expect(inversions).toBeGreaterThan(20);
  });

  test('delay and bandwidth: 100 packets of 100 bytes at 80 kbit/s queue behind each other', () => {
    const net = new Network(1);
    const a = net.host('a', '2001:db8::1');
    const b = net.host('b', '2001:db8::2');
    net.connect(a, b, { delay: 10, bandwidth: 80_000 });
    const times: number[] = [];
    b.bind(9).datagrams$.subscribe((d) => times.push(d.time));
    const ea = a.bind(1);
    for (let i = 0; i < 100; i++) ea.send(b.address, 9, new Uint8Array(52)); // 52 + 8 + 40 = 100 bytes
    net.run();
    // 100 bytes = 800 bits = 10 ms each at 80 kbit/s; plus 10 ms propagation.
    expect(times[0]).toBe(20);
    expect(times[99]).toBe(1010);
  });

  test('MTU: oversize packets are dropped by the link', () => {
    const net = new Network(1);
    const a = net.host('a', '2001:db8::1', { fragment: { mtu: 9000 } });
    const b = net.host('b', '2001:db8::2');
    const link = net.connect(a, b, { mtu: 1500 });
    a.bind(1).send(b.address, 9, new Uint8Array(2000));
    net.run();
    expect(link.stats.tooBig).toBe(1);
  });

  test('partition and heal', () => {
    const net = new Network(1);
    const a = net.host('a', '2001:db8::1');
    const b = net.host('b', '2001:db8::2');
    const link = net.connect(a, b);
    let got = 0;
    b.bind(9).datagrams$.subscribe(() => got++);
    const ea = a.bind(1);
    net.partition();
    ea.send(b.address, 9, Uint8Array.of(1));
    net.run();
    net.heal();
    ea.send(b.address, 9, Uint8Array.of(2));
    net.run();
    expect(got).toBe(1);
    expect(link.stats.partitioned).toBe(1);
  });

  test('pcap: global header and records as libpcap writes them', () => {
    const w = new PcapWriter(LinkType.IPV6, 1000);
    w.add(1500.25, Uint8Array.of(0x60, 1, 2));
    const b = w.toBytes();
    const v = new DataView(b.buffer);
    expect(v.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(20, true)]).toEqual([
      2, 4, 229,
    ]);
    expect([
      v.getUint32(24, true),
      v.getUint32(28, true),
      v.getUint32(32, true),
      v.getUint32(36, true),
    ]).toEqual([1001, 500250, 3, 3]);
    expect([...b.subarray(40)]).toEqual([0x60, 1, 2]);
  });
});
