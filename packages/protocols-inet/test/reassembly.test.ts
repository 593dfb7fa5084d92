/**
 * Reassembly under attack (issue 10): memory is charged per fragment as it really costs (not
 * just payload bytes), pieces are kept in offset order (overlap and duplicate checks look at
 * neighbours only), and spoofed sources cannot take every reassembly slot from the others.
 */
import { MessagePool, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import {
  Host,
  NextHeader,
  parseIpv6,
  type Datagram,
  type FragmentData,
  type Ipv6Address,
} from '@conduits/protocols-inet';
import { writeFragmentHeader, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';

const pool = new MessagePool();
const me = parseIpv6('2001:db8::2');
const peer = parseIpv6('2001:db8::1');
const spoofed = (n: number): Ipv6Address => {
  const a = parseIpv6('2001:db8:bad::');
  new DataView(a.buffer, a.byteOffset).setUint32(12, n);
  return a;
};
const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function fragment(
  src: Ipv6Address,
  id: number,
  offset: number,
  more: boolean,
  data: Uint8Array,
): Uint8Array {
  const m = pool.from(data);
  writeFragmentHeader(m.buffer, NextHeader.UDP, offset, more, id);
  writeIpv6Header(m.buffer, NextHeader.FRAGMENT, 64, src, me);
  const out = m.buffer.copy();
  m.release();
  return out;
}

/** A UDP datagram to port 7 from `src`, cut into fragments of `size` bytes (the last one shorter). */
function fragmentsOf(
  src: Ipv6Address,
  id: number,
  payload: Uint8Array,
  size: number,
): Uint8Array[] {
  const udp = pool.from(payload);
  writeUdp(udp.buffer, 1000, 7, src, me);
  const whole = udp.buffer.copy();
  udp.release();
  const out: Uint8Array[] = [];
  for (let off = 0; off < whole.length; off += size)
    out.push(
      fragment(
        src,
        id,
        off,
        off + size < whole.length,
        whole.subarray(off, Math.min(whole.length, off + size)),
      ),
    );
  return out;
}

function victim() {
  const link = new ProbeAdaptor('link', pool);
  const scheduler = new Scheduler();
  const h = new Host({ name: 'me', address: me, link }, scheduler);
  const got: Datagram[] = [];
  h.bind(7).datagrams$.subscribe((d) => got.push(d));
  const data = (h.graph.find('fragment') as unknown as { data: FragmentData }).data;
  return { h, link, scheduler, got, data };
}

describe('reassembly memory', () => {
  test('an 8-byte fragment is charged its real cost, not 8 bytes', () => {
    const { link, scheduler, data } = victim();
    for (let i = 0; i < 100; i++) link.write(fragment(peer, 1, i * 16, true, bytes(8)));
    scheduler.run(1);
    const held = [...data.bytesBySource.values()][0]!;
    expect(held).toBeGreaterThanOrEqual(100 * (8 + 200));
  });

  test('a tiny-fragment flood from one source stops at its memory limit (256 KiB of real cost)', () => {
    const { h, link, scheduler, data } = victim();
    for (let i = 0; i < 5000; i++) link.write(fragment(peer, 1, i * 8, true, bytes(8)));
    scheduler.run(1);
    expect(h.graph.drops.get('fragment-memory-limit')).toBeGreaterThan(0);
    for (const v of data.bytesBySource.values()) expect(v).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('spoofed sources', () => {
  test('256 fragments from 256 spoofed sources do not block fragmented traffic from a real peer', () => {
    const { h, link, scheduler, got } = victim();
    for (let n = 0; n < 256; n++) link.write(fragment(spoofed(n), n, 0, true, bytes(64)));
    scheduler.run(1);
    for (const f of fragmentsOf(peer, 77, bytes(3000, 3), 1232)) link.write(f);
    scheduler.run(2);
    expect(got.map((d) => d.data.length)).toEqual([3000]);
    expect(h.graph.drops.get('fragment-evicted')).toBeGreaterThan(0);
  });

  test('a flood from many sources at once leaves slots for a newcomer every time', () => {
    const { link, scheduler, got } = victim();
    for (let round = 0; round < 5; round++) {
      for (let n = 0; n < 1000; n++)
        link.write(fragment(spoofed(round * 1000 + n), n, 0, true, bytes(1232)));
      for (const f of fragmentsOf(peer, 100 + round, bytes(2000, round), 1232)) link.write(f);
      scheduler.run(round + 1);
    }
    expect(got).toHaveLength(5);
  });
});

describe('pieces in offset order', () => {
  test('500 fragments in a scrambled order, with duplicates, reassemble to the datagram', () => {
    const { h, link, scheduler, got } = victim();
    const payload = bytes(4000 - 8, 9);
    const frags = fragmentsOf(peer, 5, payload, 8);
    const order = frags.map((_, i) => (i * 197) % frags.length);
    for (const i of order) link.write(frags[i]!);
    for (let i = 0; i < 50; i++) link.write(frags[(i * 31) % (frags.length - 1)]!);
    scheduler.run(1);
    expect(got).toHaveLength(1);
    expect([...got[0]!.data]).toEqual([...payload]);
    expect(h.graph.drops.get('fragment-overlap')).toBe(0);
  });

  test('an overlap with a neighbour in the middle of many pieces discards the datagram', () => {
    const { h, link, scheduler, got } = victim();
    const frags = fragmentsOf(peer, 6, bytes(2000, 2), 16);
    for (let i = 0; i < frags.length - 1; i += 2) link.write(frags[i]!);
    link.write(fragment(peer, 6, 16 * 40 + 8, true, bytes(16))); // straddles pieces 40 and 41
    for (let i = 1; i < frags.length; i += 2) link.write(frags[i]!);
    scheduler.run(1);
    expect(got).toHaveLength(0);
    expect(h.graph.drops.get('fragment-overlap')).toBe(1);
  });

  test('a last fragment that ends before pieces already held is refused', () => {
    const { h, link, scheduler, got } = victim();
    link.write(fragment(peer, 8, 800, true, bytes(16)));
    link.write(fragment(peer, 8, 400, false, bytes(16)));
    scheduler.run(1);
    expect(got).toHaveLength(0);
    expect(h.graph.drops.get('fragment-bad-length')).toBe(1);
  });
});
