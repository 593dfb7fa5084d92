/**
 * Packet Too Big under attack (issue 10): the path-MTU cache is bounded, its entries expire on
 * the scheduler's clock, and a PTB is believed only when the packet it quotes could be one we
 * sent (our source address, an IPv6 header, a size the reported MTU would indeed refuse).
 */
import { MessagePool, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { Host, NextHeader, parseIpv6, type Ipv6Address } from '@conduits/protocols-inet';
import { sealIcmpv6, writeIpv6Header } from '@conduits/protocols-inet/codec';
import { PathMtuCache } from '@conduits/protocols-inet/internal';

const pool = new MessagePool();
const me = parseIpv6('2001:db8::2');
const router = parseIpv6('2001:db8::66');

/** Address 2001:db8:1::<n>. */
const far = (n: number): Ipv6Address => {
  const a = parseIpv6('2001:db8:1::');
  new DataView(a.buffer, a.byteOffset).setUint32(12, n);
  return a;
};

/** A Packet Too Big from `router` to us, quoting an IPv6 packet from `quotedSrc` to `quotedDst` of `quotedLength` bytes. */
function ptb(
  mtu: number,
  quotedSrc: Ipv6Address,
  quotedDst: Ipv6Address,
  quotedLength = 1400,
  version = 6,
): Uint8Array {
  const quoted = pool.from(new Uint8Array(Math.min(quotedLength, 1232) - 40).fill(0x5a));
  writeIpv6Header(quoted.buffer, NextHeader.UDP, 64, quotedSrc, quotedDst);
  quoted.buffer.view.setUint16(quoted.buffer.start + 4, quotedLength - 40);
  quoted.buffer.bytes[quoted.buffer.start] =
    (version << 4) | (quoted.buffer.bytes[quoted.buffer.start]! & 0x0f);
  const b = quoted.buffer;
  const at = b.push(8);
  b.bytes.set([2, 0, 0, 0], at);
  b.view.setUint32(at + 4, mtu);
  sealIcmpv6(b, router, me);
  writeIpv6Header(b, NextHeader.ICMPV6, 64, router, me);
  const out = b.copy();
  quoted.release();
  return out;
}

function host(mtu = 1500) {
  const link = new ProbeAdaptor('link', pool);
  const scheduler = new Scheduler();
  const h = new Host({ name: 'me', address: me, link, fragment: { mtu } }, scheduler);
  return { h, link, scheduler };
}

describe('Packet Too Big is checked against what we could have sent', () => {
  test('a PTB quoting a packet we did not send (another source) changes nothing and is counted', () => {
    const { h, link, scheduler } = host();
    link.write(ptb(1300, parseIpv6('2001:db8::99'), far(1)));
    scheduler.run();
    expect(h.pathMtu.get(far(1), 0, scheduler.now())).toBe(1500);
    expect(h.graph.drops.get('icmpv6-ptb-not-ours')).toBe(1);
  });

  test('a PTB whose quoted packet fits the MTU it reports, or is not IPv6, is implausible', () => {
    const { h, link, scheduler } = host();
    link.write(ptb(1300, me, far(1), 600));
    link.write(ptb(1300, me, far(2), 1400, 4));
    scheduler.run();
    expect(h.pathMtu.get(far(1), 0, scheduler.now())).toBe(1500);
    expect(h.pathMtu.get(far(2), 0, scheduler.now())).toBe(1500);
    expect(h.graph.drops.get('icmpv6-ptb-implausible')).toBe(2);
  });

  test('a plausible PTB still lowers the path MTU', () => {
    const { h, link, scheduler } = host();
    link.write(ptb(1300, me, far(1)));
    scheduler.run();
    expect(h.pathMtu.get(far(1), 0, scheduler.now())).toBe(1300);
  });
});

describe('the path-MTU cache is bounded and forgets', () => {
  test('50,000 plausible PTBs for different destinations keep at most maxEntries (default 1024)', () => {
    const { h, link, scheduler } = host();
    for (let n = 0; n < 50_000; n++) {
      link.write(ptb(1280, me, far(n)));
      scheduler.drain();
    }
    expect(h.pathMtu.size).toBeLessThanOrEqual(1024);
    // The newest are kept (the oldest went first).
    expect(h.pathMtu.get(far(49_999), 0, scheduler.now())).toBe(1280);
  });

  test("entries expire on the scheduler's clock even if never looked up again", () => {
    const { h, link, scheduler } = host();
    for (let n = 0; n < 100; n++) link.write(ptb(1280, me, far(n)));
    scheduler.run();
    expect(h.pathMtu.size).toBe(100);
    scheduler.runFor(600_001);
    link.write(ptb(1280, me, far(1000)));
    scheduler.run();
    expect(h.pathMtu.size).toBe(1);
  });

  test('a cache on its own: lowering refreshes, capacity is configurable', () => {
    const c = new PathMtuCache(1500, 1000, 4);
    for (let n = 0; n < 10; n++) c.lower(far(n), 0, 1400, n);
    expect(c.size).toBe(4);
    expect(c.get(far(9), 0, 10)).toBe(1400);
    expect(c.get(far(0), 0, 10)).toBe(1500);
    expect(c.get(far(9), 0, 1009)).toBe(1500);
  });
});
