/** The IPv6/UDP host stack on simulated links: fragmentation, reassembly attacks, ICMPv6, bad input. */
import { MessagePool, type Alert } from '@conduits/core';
import { NextHeader, parseIpv6, type Datagram } from '@conduits/protocols-inet';
import {
  FRAGMENT_HEADER,
  sealIcmpv6,
  writeFragmentHeader,
  writeIpv6Header,
  writeUdp,
} from '@conduits/protocols-inet/codec';
import { Adversary, Network, withSeed } from '@conduits/netsim';

const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function pair(seed: number, params = {}) {
  const net = new Network(seed);
  const a = net.host('a', '2001:db8::1');
  const b = net.host('b', '2001:db8::2');
  const link = net.connect(a, b, params);
  const alerts: Alert[] = [];
  for (const h of [a, b]) h.graph.alerts$.subscribe((x) => alerts.push(x));
  return { net, a, b, link, alerts };
}

describe('UDP between two simulated hosts', () => {
  test('datagrams arrive with source, ports and payload; replies go back', () => {
    const { net, a, b } = pair(1, { delay: 3 });
    const ea = a.bind(5000);
    const eb = b.bind(53);
    const atB: Datagram[] = [];
    const atA: Datagram[] = [];
    eb.datagrams$.subscribe((d) => {
      atB.push(d);
      eb.send(d.from, d.fromPort, Uint8Array.of(...d.data).reverse());
    });
    ea.datagrams$.subscribe((d) => atA.push(d));
    ea.send(b.address, 53, Uint8Array.of(1, 2, 3));
    net.run();
    expect(atB).toHaveLength(1);
    expect([...atB[0]!.from]).toEqual([...a.address]);
    expect(atB[0]!).toMatchObject({ fromPort: 5000, toPort: 53, time: 3 });
    expect([...atA[0]!.data]).toEqual([3, 2, 1]);
  });

  test('a datagram for a port nobody listens on is dropped and counted', () => {
    const { net, a, b } = pair(1);
    a.bind(1).send(b.address, 9999, Uint8Array.of(1));
    net.run();
    expect(b.graph.drops.get('udp-no-listener')).toBe(1);
  });

  test('ping: echo request answered with a reply carrying identifier and sequence', () => {
    const { net, a, b } = pair(1, { delay: 2 });
    const events: number[] = [];
    a.icmp.events$.subscribe((e) => events.push(e.type, e.value, e.time));
    a.icmp.ping(b.address, 0x1234, 7, Uint8Array.of(9, 9));
    net.run();
    expect(events).toEqual([129, (0x1234 << 16) | 7, 4]);
  });

  test.each([1, 2, 3, 4, 5])(
    'large datagrams are fragmented and reassembled over a lossy, reordering, duplicating link (seed %s)',
    (seed) => {
      withSeed(() => {
        const { net, a, b, link } = pair(seed, {
          delay: 5,
          jitter: 3,
          loss: 0.05,
          duplicate: 0.1,
          reorder: 0.3,
          mtu: 1280,
        });
        const eb = b.bind(7);
        const got = new Map<number, Uint8Array>();
        eb.datagrams$.subscribe((d) => got.set(d.data[0]!, d.data));
        const ea = a.bind(7000);
        for (let i = 0; i < 20; i++) ea.send(b.address, 7, bytes(4000 + i * 50, i));
        net.run();
        // Every datagram that arrives is whole and right; the ones that do not lost a fragment.
        for (const [first, data] of got) {
          const i = [...Array(20).keys()].find((k) => bytes(1, k)[0] === first) as number;
          expect([...data]).toEqual([...bytes(4000 + i * 50, i)]);
        }
        expect(got.size).toBeGreaterThan(0);
        const lostSome = link.stats.lost > 0;
        if (!lostSome) expect(got.size).toBe(20);
        // Duplicated fragments are recognised as exact duplicates, never as overlaps.
        expect(b.graph.drops.get('fragment-overlap')).toBe(0);
        // Incomplete datagrams (and late duplicates of completed ones) are discarded after the
        // reassembly timeout: at the end nothing is held.
        expect(b.graph.drops.get('fragment-timeout')).toBeGreaterThanOrEqual(20 - got.size);
        const frag = b.graph.find('fragment') as unknown as {
          data: { reassemblies: Map<string, unknown>; bytesBySource: Map<string, number> };
        };
        expect(frag.data.reassemblies.size).toBe(0);
        expect(frag.data.bytesBySource.size).toBe(0);
      }, seed);
    },
  );
});

describe('reassembly under attack', () => {
  const src = parseIpv6('2001:db8::66');
  const dst = parseIpv6('2001:db8::2');
  const pool = new MessagePool();
  /** A raw fragment as an attacker would build it. */
  function fragment(id: number, offset: number, more: boolean, data: Uint8Array): Uint8Array {
    const m = pool.from(data);
    writeFragmentHeader(m.buffer, NextHeader.UDP, offset, more, id);
    writeIpv6Header(m.buffer, NextHeader.FRAGMENT, 64, src, dst);
    const out = m.buffer.copy();
    m.release();
    return out;
  }

  function victim() {
    const { net, a, b, link, alerts } = pair(7);
    const adv = new Adversary();
    link.setAdversary(adv);
    const eb = b.bind(7);
    const got: Datagram[] = [];
    eb.datagrams$.subscribe((d) => got.push(d));
    return { net, a, b, adv, got, alerts };
  }

  test('overlapping fragments discard the whole datagram, with a security alert (RFC 5722)', () => {
    const { net, b, adv, got, alerts } = victim();
    const udp = pool.from(bytes(64));
    writeUdp(udp.buffer, 1, 7, src, dst);
    const whole = udp.buffer.copy();
    udp.release();
    adv.inject('a->b', fragment(99, 0, true, whole.subarray(0, 32)));
    adv.inject('a->b', fragment(99, 24, true, whole.subarray(24, 48)), 1);
    adv.inject('a->b', fragment(99, 48, false, whole.subarray(48)), 2);
    net.run();
    expect(got).toHaveLength(0);
    expect(b.graph.drops.get('fragment-overlap')).toBe(1);
    expect(alerts.some((x) => x.kind === 'security' && x.reason === 'fragment-overlap')).toBe(true);
  });

  test('a fragment flood is bounded per source; legitimate traffic from another host still flows', () => {
    const { net, a, b, adv, got } = victim();
    for (let id = 0; id < 1000; id++)
      adv.inject('a->b', fragment(id, 0, true, bytes(1232)), id * 0.01);
    net.run(20);
    const held = [
      ...(
        b.graph.find('fragment') as unknown as { data: { bytesBySource: Map<string, number> } }
      ).data.bytesBySource.values(),
    ];
    expect(Math.max(...held)).toBeLessThanOrEqual(256 * 1024);
    // At most 16 datagrams of one source are reassembled at once; the rest of the flood is refused.
    expect(b.graph.drops.get('fragment-memory-limit')).toBe(1000 - 16);
    a.bind(1).send(b.address, 7, bytes(3000));
    net.run(40);
    expect(got.map((d) => d.data.length)).toEqual([3000]);
    net.run();
    expect(b.graph.drops.get('fragment-timeout')).toBeGreaterThan(0);
  });

  test('bad fragment lengths and oversize datagrams are refused', () => {
    const { net, b, adv } = victim();
    adv.inject('a->b', fragment(1, 0, true, bytes(13))); // not a multiple of 8
    adv.inject('a->b', fragment(2, 65528, false, bytes(16))); // beyond 65535
    net.run(1);
    expect(b.graph.drops.get('fragment-bad-length')).toBe(1);
    expect(b.graph.drops.get('fragment-too-large')).toBe(1);
  });

  test('an atomic fragment (offset 0, no more) is processed as a whole packet (RFC 6946)', () => {
    const { net, adv, got } = victim();
    const udp = pool.from(bytes(20));
    writeUdp(udp.buffer, 1, 7, src, dst);
    adv.inject('a->b', fragment(5, 0, false, udp.buffer.copy()));
    udp.release();
    net.run();
    expect(got.map((d) => d.data.length)).toEqual([20]);
    expect(FRAGMENT_HEADER).toBe(8);
  });
});

describe('bad packets are dropped and counted, valid traffic keeps flowing', () => {
  test('tampered, truncated and misaddressed packets', () => {
    const { net, a, b, link, alerts } = pair(3);
    const adv = new Adversary();
    link.setAdversary(adv);
    let n = 0;
    adv.rule((p) => {
      n++;
      if (n === 1) {
        const t = Uint8Array.from(p.data);
        t[t.length - 1]! ^= 0x40;
        return { replace: t };
      }
      if (n === 2) return { replace: p.data.subarray(0, 30) };
      if (n === 3) {
        const t = Uint8Array.from(p.data);
        t[39]! ^= 1; // destination address
        return { replace: t };
      }
      return 'pass';
    });
    const eb = b.bind(7);
    const got: number[] = [];
    eb.datagrams$.subscribe((d) => got.push(d.data[0]!));
    const ea = a.bind(8);
    for (let i = 0; i < 6; i++) ea.send(b.address, 7, Uint8Array.of(i, 1, 2, 3));
    net.run();
    expect(got).toEqual([3, 4, 5]);
    expect(b.graph.drops.snapshot()).toEqual({
      'ipv6-not-for-us': 1,
      'ipv6-truncated': 1,
      'udp-bad-checksum': 1,
    });
    expect(alerts.filter((x) => x.kind === 'security').map((x) => x.reason)).toEqual([
      'udp-bad-checksum',
    ]);
    expect(b.graph.faults).toBe(0);
  });
});

describe('ICMPv6 errors (RFC 4443)', () => {
  test('port unreachable and parameter problem reach the sender with the invoking packet; rate limited; never about an error', () => {
    const { net, a, b } = pair(9);
    const events: { type: number; code: number; value: number }[] = [];
    a.icmp.events$.subscribe((e) => events.push({ type: e.type, code: e.code, value: e.value }));
    a.bind(1).send(b.address, 9999, Uint8Array.of(1, 2, 3));
    net.run();
    expect(events).toEqual([{ type: 1, code: 4, value: 0 }]);

    // An unknown next header, built by hand.
    const pool = new MessagePool();
    const m = pool.from(Uint8Array.of(1, 2, 3, 4));
    writeIpv6Header(m.buffer, 253, 64, a.address, b.address);
    const adv = new Adversary();
    net.links[0]!.setAdversary(adv);
    adv.inject('a->b', m.buffer.copy());
    m.release();
    net.run();
    expect(events[1]).toEqual({ type: 4, code: 1, value: 6 });
    expect(b.graph.drops.get('ipv6-unknown-next-header')).toBe(1);

    // 50 datagrams to a closed port at once: the token bucket lets 10 errors out.
    const before = b.icmp.errorStats.sent;
    const ea = a.bind(2);
    for (let i = 0; i < 50; i++) ea.send(b.address, 9999, Uint8Array.of(i));
    net.run();
    expect(b.icmp.errorStats.sent - before).toBeLessThanOrEqual(10);
    expect(b.icmp.errorStats.suppressed).toBeGreaterThanOrEqual(40);
  });
});

describe('path MTU discovery (RFC 8201) and reassembly time exceeded', () => {
  test('Packet Too Big lowers the MTU toward that destination (never below 1280)', () => {
    const net = new Network(2);
    const a = net.host('a', '2001:db8::1', { fragment: { mtu: 1500 } });
    const b = net.host('b', '2001:db8::2', { fragment: { mtu: 1500 } });
    const link = net.connect(a, b, { mtu: 1500 });
    const adv = new Adversary();
    link.setAdversary(adv);
    b.bind(7);
    const ea = a.bind(1);
    ea.send(b.address, 7, new Uint8Array(1400));
    net.run();
    expect(adv.seen.filter((p) => p.direction === 'a->b').map((p) => p.data[6])).toEqual([
      NextHeader.UDP,
    ]);
    // A router on the path says 1400 is too big: Packet Too Big, MTU 1300, quoting the packet.
    const pool = new MessagePool();
    const ptb = (mtu: number): Uint8Array => {
      const m = pool.from(adv.seen[0]!.data.subarray(0, 1232));
      const at = m.buffer.push(8);
      m.buffer.bytes.set([2, 0, 0, 0], at);
      m.buffer.view.setUint32(at + 4, mtu);
      sealIcmpv6(m.buffer, b.address, a.address);
      writeIpv6Header(m.buffer, NextHeader.ICMPV6, 64, b.address, a.address);
      const packet = m.buffer.copy();
      m.release();
      return packet;
    };
    adv.inject('b->a', ptb(1300));
    net.run();
    expect(a.pathMtu.get(b.address, 0, net.scheduler.now())).toBe(1300);
    ea.send(b.address, 7, new Uint8Array(1400));
    net.run();
    const after = adv.seen.slice(1).filter((p) => p.direction === 'a->b');
    expect(after.every((p) => p.data.length <= 1300 && p.data[6] === NextHeader.FRAGMENT)).toBe(
      true,
    );
    // A forged Packet Too Big cannot push the MTU below the IPv6 minimum.
    adv.inject('b->a', ptb(500));
    net.run();
    expect(a.pathMtu.get(b.address, 0, net.scheduler.now())).toBe(1280);
    // The estimate expires, and the path is tried at the link MTU again.
    net.run(net.scheduler.now() + 600_001);
    expect(a.pathMtu.get(b.address, 0, net.scheduler.now())).toBe(1500);
  });

  test('a reassembly that times out with its first fragment sends Time Exceeded (code 1) to the source', () => {
    const { net, a, b, link } = pair(3);
    const adv = new Adversary();
    link.setAdversary(adv);
    adv.drop((p) => p.direction === 'a->b' && p.index > 0); // only the first fragment arrives
    b.bind(7);
    const events: [number, number][] = [];
    a.icmp.events$.subscribe((e) => events.push([e.type, e.code]));
    a.bind(1).send(b.address, 7, new Uint8Array(3000));
    net.run();
    expect(b.graph.drops.get('fragment-timeout')).toBe(1);
    expect(events).toEqual([[3, 1]]);
  });
});
