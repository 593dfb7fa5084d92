/**
 * The express lane must change nothing but speed: the same packets given to a host with the
 * lane and to one without must give the same datagrams (bytes, source, attributes), the same
 * drops by reason, and the same bytes sent back on the link (ICMPv6 errors).
 */
import { connect, disconnect, PassThrough, Scheduler, Session, type Port } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { Host, NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { pseudoHeaderChecksum, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import {
  expressPath,
  fragmentDeclaration,
  udpDeclaration,
} from '@conduits/protocols-inet/internal';
import { differential, expressCases, host } from './express-pair.js';
import { dst, pool, valid } from './packets.js';

/** A UDP datagram to port 7 with a right checksum. */
function datagram(from: string, to: string, payload = Uint8Array.of(1, 2, 3, 4)): Uint8Array {
  const m = pool.from(payload);
  writeUdp(m.buffer, 1000, 7, parseIpv6(from), parseIpv6(to));
  writeIpv6Header(m.buffer, NextHeader.UDP, 64, parseIpv6(from), parseIpv6(to));
  const p = m.buffer.copy();
  m.release();
  return p;
}

/**
 * Checksum field 0 (forbidden over IPv6) on a datagram whose ones'-complement sum is right
 * all the same: the checksum word moved into the payload's last word.
 */
function zeroChecksumThatWouldVerify(): Uint8Array {
  const p = datagram('2001:db8::1', '2001:db8::2', new Uint8Array(4));
  const v = new DataView(p.buffer, p.byteOffset);
  v.setUint16(p.length - 2, v.getUint16(46));
  v.setUint16(46, 0);
  return p;
}

/** A datagram whose UDP length field says `len`, its checksum recomputed to match. */
function udpLengthWithRightChecksum(len: number): Uint8Array {
  const p = datagram('2001:db8::1', '2001:db8::2', new Uint8Array(4));
  const v = new DataView(p.buffer, p.byteOffset);
  v.setUint16(44, len);
  v.setUint16(46, 0);
  v.setUint16(
    46,
    pseudoHeaderChecksum(v, 8, 24, null, null, NextHeader.UDP, 40, p.length) || 0xffff,
  );
  return p;
}

describe('UDP express lane', () => {
  test('same datagrams, drops and ICMPv6 as the layered path, for valid and mutated packets to bound and unbound ports', () => {
    const r = differential(expressCases, 3000, 0xe59);
    // The lane really carried traffic, and not everything: the rest went the layered way.
    expect(r.taken).toBeGreaterThan(100);
    expect(r.delivered).toBeGreaterThan(r.taken);
    expect(r.faults).toBe(0);
  });

  test('edge cases of every check the lane makes give the same outcome both ways', () => {
    const fast = host(true);
    const layered = host(false);
    const edit = (f: (p: Uint8Array, v: DataView) => void): Uint8Array => {
      const p = valid(0, Uint8Array.of(9, 8, 7, 6, 5));
      f(p, new DataView(p.buffer, p.byteOffset));
      return p;
    };
    const cases = [
      valid(0, new Uint8Array(0)),
      edit((p) => (p[0] = 0x40)), // version 4
      edit((_p, v) => v.setUint16(4, 0)), // jumbogram
      Uint8Array.from([...valid(0, Uint8Array.of(1)), 0, 0, 0]), // link padding past the payload length
      edit((_p, v) => v.setUint16(4, v.getUint16(4) + 1)), // payload length past the end
      edit((p) => (p[8] = 0xff)), // multicast source
      edit((p) => (p[24] = 0xff)), // multicast destination
      edit((p) => (p[39]! ^= 1)), // another host
      edit((_p, v) => v.setUint16(44, 7)), // UDP length too short
      edit((_p, v) => v.setUint16(46, 0)), // no checksum
      edit((p) => (p[6] = 58)), // next header says ICMPv6
      valid(0, new Uint8Array(3)).subarray(0, 47), // truncated UDP header
      // Right checksums, so only the check under test can refuse them:
      ...['2001:db9::2', '2001:db8:0:1::2', '2001:db8::1:0:0:2', '2001:db8::3'].map((to) =>
        datagram('2001:db8::1', to),
      ), // other hosts
      datagram('ff02::1', '2001:db8::2'), // multicast source
      zeroChecksumThatWouldVerify(),
      udpLengthWithRightChecksum(9), // UDP length short of the IPv6 payload length
      udpLengthWithRightChecksum(13), // and past it
    ];
    for (const p of cases) expect(fast.feed(p)).toEqual(layered.feed(p));
    expect(fast.h.express?.taken).toBe(1);
    expect(fast.h.graph.drops.snapshot()).toMatchObject({
      'ipv6-not-for-us': 5,
      'ipv6-bad-source': 2,
      'udp-zero-checksum': 2,
      'udp-bad-length': 3,
    });
  });

  test('a valid datagram takes the lane; the endpoint sees exactly what the layered path gives it', () => {
    const fast = host(true);
    const layered = host(false);
    const p = valid(0, Uint8Array.of(1, 2, 3));
    const a = fast.feed(p);
    expect(a).toEqual(layered.feed(p));
    expect(a.delivered).toEqual([
      {
        data: [1, 2, 3],
        from: '2001:db8::1',
        attrs: {
          'inet.ipOffset': expect.any(Number),
          'inet.nextHeader': 17,
          'udp.srcPort': 1000,
          'udp.dstPort': 7,
        },
      },
    ]);
    expect(fast.h.express?.taken).toBe(1);
    expect(layered.h.express).toBeNull();
  });

  test('an unbound port, extension headers, a fragment or a bad checksum leave the lane to the layers', () => {
    const fast = host(true);
    const bad = valid(0, Uint8Array.of(1, 2, 3));
    bad[bad.length - 1]! ^= 1;
    for (const p of [
      valid(0, Uint8Array.of(1), 9),
      valid(2, Uint8Array.of(1)),
      valid(3, new Uint8Array(16)),
      bad,
    ])
      fast.feed(p);
    expect(fast.h.express?.taken).toBe(0);
    expect(fast.h.graph.drops.snapshot()).toMatchObject({
      'udp-no-listener': 1,
      'udp-bad-checksum': 1,
    });
  });

  test('while the graph is traced every hop shows: the lane stands aside', () => {
    const fast = host(true);
    const hops: string[] = [];
    const sub = fast.h.graph.trace$.subscribe((h) => hops.push(h.to));
    fast.feed(valid(0, Uint8Array.of(1)));
    sub.unsubscribe();
    expect(fast.h.express?.taken).toBe(0);
    expect(hops).toEqual(['ipv6.A', 'fragment.A', 'next-header.A', 'udp.A', 'ports.A', 'udp:7.A']);
    fast.feed(valid(0, Uint8Array.of(1)));
    expect(fast.h.express?.taken).toBe(1);
  });

  test('a UDP session no longer routed by the next-header mux stops the lane', () => {
    const fast = host(true);
    const layered = host(false);
    fast.h.nextHeaders.remove(17);
    layered.h.nextHeaders.remove(17);
    const p = valid(0, Uint8Array.of(1));
    const a = fast.feed(p);
    expect(a).toEqual(layered.feed(p));
    expect(a.delivered).toEqual([]);
    expect(a.sent).toHaveLength(1); // Parameter Problem: unrecognized next header
    expect(fast.h.express?.taken).toBe(0);
  });

  test('a UDP session switched to another state stops the lane: that state decides', () => {
    const fast = host(true);
    const udp = fast.h.nextHeaders.lookup(17) as Session;
    udp.changeState({ name: 'closed', accept: (s, msg) => s.drop(msg, 'udp-closed') });
    const a = fast.feed(valid(0, Uint8Array.of(1)));
    expect(a.delivered).toEqual([]);
    expect(a.drops).toMatchObject({ 'udp-closed': 1 });
    expect(fast.h.express?.taken).toBe(0);
  });

  test('a security layer inserted into a running host stops the lane from carrying the next packet; removed, the lane carries again', () => {
    const fast = host(true);
    fast.feed(valid(0, Uint8Array.of(1)));
    expect(fast.h.express?.taken).toBe(1);
    // The policy manager inserts a layer between reassembly and the next-header Mux (Figure 7's place for IPsec).
    const seen: number[] = [];
    const policy = new Session('policy', {
      initial: {
        name: 'policy',
        accept(s, msg, from) {
          seen.push(msg.buffer.length);
          s.forward(msg, from);
        },
      },
    });
    const fragmentB = disconnect(fast.h.nextHeaders.a) as Port;
    fast.h.graph.adopt(policy, null);
    connect(fragmentB, policy.a);
    connect(policy.b, fast.h.nextHeaders.a);
    const a = fast.feed(valid(0, Uint8Array.of(2)));
    expect(a.delivered.map((d) => d.data)).toEqual([[2]]);
    expect(seen).toHaveLength(1);
    expect(fast.h.express?.taken).toBe(1);
    // Taken out again, the path the lane stands in for is back: the lane finds it.
    disconnect(policy.a);
    disconnect(policy.b);
    fast.h.graph.retire(policy);
    connect(fragmentB, fast.h.nextHeaders.a);
    fast.feed(valid(0, Uint8Array.of(3)));
    expect(seen).toHaveLength(1);
    expect(fast.h.express?.taken).toBe(2);
  });

  test('a layer inserted anywhere on the skipped path, or between UDP and the ports Mux, stops the lane', () => {
    const between = (h: Host): [Port, Port][] => {
      const udp = h.nextHeaders.lookup(17) as Session;
      const frag = h.graph.find('fragment') as Session;
      return [
        [frag.a, frag.a.peer as Port],
        [frag.b, h.nextHeaders.a],
        [udp.b, h.ports.a],
      ];
    };
    for (let i = 0; i < 3; i++) {
      const fast = host(true);
      const [upper, lower] = between(fast.h)[i] as [Port, Port];
      disconnect(upper);
      const pass = new Session(`pass-${i}`, { initial: PassThrough });
      fast.h.graph.adopt(pass, null);
      // A session's side A faces down: whichever of the two ports is lower takes it.
      connect(upper.side === 'A' ? upper : lower, pass.b);
      connect(pass.a, upper.side === 'A' ? lower : upper);
      const a = fast.feed(valid(0, Uint8Array.of(i)));
      expect(a.delivered.map((d) => d.data)).toEqual([[i]]);
      expect(fast.h.express?.taken).toBe(0);
    }
  });

  test('the lane checks its path as data: the layers it skips write nothing it does not write', () => {
    expect(expressPath.skips).toHaveLength(3);
    for (const d of [fragmentDeclaration, udpDeclaration])
      for (const k of d.fromA?.writes ?? []) expect(expressPath.writes).toContain(k);
  });

  test('a host with a security layer has no lane: its policy sees every packet', () => {
    const h = new Host(
      {
        name: 'h',
        address: dst,
        link: new ProbeAdaptor('wire'),
        security: new Session('policy', { initial: PassThrough }),
      },
      new Scheduler(),
    );
    expect(h.express).toBeNull();
  });
});
