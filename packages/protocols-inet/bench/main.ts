/**
 * UDP datagrams per second through the host stack on the carrier loop, no crypto, against a
 * hand-written function that checks the same headers (version, length, address, next header,
 * UDP length and checksum, port lookup) on the same bytes, in the same run:
 *  - udp-host-stack-64: the host as built by default, where the express lane (UdpExpress)
 *    carries these ordinary datagrams from the IPv6 session to the ports Mux;
 *  - udp-host-stack-64-layered: the same host with `express: false`, every datagram through
 *    adaptor → IPv6 → Fragment → next-header Mux → UDP → ports Mux → endpoint.
 * And the floods of issue 10, as heap left behind per million packets after a full GC
 * (`heapGrowth`): spoofed Packet Too Big for a new destination each, 8-byte fragments from one
 * source, first fragments from a new (spoofed) source each; and the time per fragment to
 * reassemble a datagram of 1,000 and of 8,000 8-byte fragments arriving scrambled (flat: no
 * quadratic overlap scan).
 */
import {
  Adaptor,
  MessagePool,
  Scheduler,
  type Conduit,
  type Message,
  type Port,
} from '@conduits/core';
import { compare, emit, heapCost, heapGrowth, round2 } from '@conduits/core/bench';
import {
  Host,
  NextHeader,
  parseIpv6,
  type FragmentConfig,
  type FragmentData,
} from '../src/index.js';
import {
  pseudoHeaderChecksum,
  sealIcmpv6,
  writeFragmentHeader,
  writeIpv6Header,
  writeUdp,
} from '../src/codec/index.js';

class Wire extends Adaptor {
  clone(): Conduit {
    return new Wire(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    msg.release();
  }
}

const src = parseIpv6('2001:db8::1');
const dst = parseIpv6('2001:db8::2');
const pool = new MessagePool();
const m = pool.from(new Uint8Array(64).fill(0x42));
writeUdp(m.buffer, 40000, 7, src, dst);
writeIpv6Header(m.buffer, 17, 64, src, dst);
const packet = m.buffer.copy();

let got = 0;

function stack(express: boolean) {
  const scheduler = new Scheduler();
  const wire = new Wire('wire');
  const host = new Host({ name: 'bench', address: dst, link: wire, pool, express }, scheduler);
  const counted = { n: 0 };
  host.bind(7).onDatagram(() => counted.n++);
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const msg = pool.acquire();
      msg.buffer.appendBytes(packet); // the adaptor's copy into a pooled buffer, as a NIC driver does
      wire.inject(msg);
      scheduler.step();
    }
  };
  return { host, run, counted };
}

// The baseline: the same checks, hand-written, on a reused buffer.
const buf = new Uint8Array(2048);
const view = new DataView(buf.buffer);
const handlers = new Map<number, () => void>([[7, () => got++]]);
function handParse(len: number): boolean {
  if (len < 40 || buf[0]! >> 4 !== 6) return false;
  const plen = view.getUint16(4);
  if (plen === 0 || plen + 40 > len) return false;
  if (buf[8] === 0xff) return false;
  let mine = true;
  for (let i = 0; i < 16; i++) if (buf[24 + i] !== dst[i]) mine = false;
  if (!mine && buf[24] !== 0xff) return false;
  // The extension header walk (Hop-by-Hop, Routing, Destination Options), then no fragment header.
  let nh = buf[6]!;
  let at = 40;
  for (let n = 0; nh === 0 || nh === 43 || nh === 60; n++) {
    if (n >= 8 || at + 8 > 40 + plen) return false;
    nh = buf[at]!;
    at += (buf[at + 1]! + 1) * 8;
  }
  if (nh === 44) return false;
  if (nh !== 17 || 40 + plen - at < 8) return false;
  if (view.getUint16(at + 4) !== 40 + plen - at || view.getUint16(at + 6) === 0) return false;
  if (pseudoHeaderChecksum(view, 8, 24, null, null, 17, at, 40 + plen) !== 0) return false;
  const h = handlers.get(view.getUint16(at + 2));
  if (h === undefined) return false;
  h();
  return true;
}
const byHand = (n: number): void => {
  for (let i = 0; i < n; i++) {
    buf.set(packet, 0);
    if (!handParse(packet.length)) throw new Error('baseline rejected the packet');
  }
};

for (const [name, express] of [
  ['udp-host-stack-64', true],
  ['udp-host-stack-64-layered', false],
] as const) {
  const { host, run, counted } = stack(express);
  const [g, h, ratio] = compare(run, byHand, 1_000_000, 9);
  if (counted.n < 1_000_000 || host.graph.drops.total > 0)
    throw new Error(`stack dropped packets: ${JSON.stringify(host.graph.drops.snapshot())}`);
  if (express && host.express?.taken !== counted.n)
    throw new Error('the express lane did not carry the datagrams');
  // Allocation per datagram through the same stack (the adaptor's pooled copy included): 0 means no allocation per hop.
  const alloc = await heapCost(run, 1_000_000);
  emit({
    bench: `${name}-alloc`,
    unit: 'B/datagram',
    value: alloc === undefined ? Number.NaN : round2(alloc.perOp),
    heapDelta: alloc?.heapDelta,
    target: '0 amortised',
  });
  emit({
    bench: name,
    unit: 'datagram/s',
    value: g,
    baseline: 'hand-written IPv6+UDP parse with the same checks',
    baselineValue: h,
    ratio: round2(ratio),
    target: 'value >= 1000000, ratio >= 0.5',
  });
}

// The floods. Each packet is built in a pooled message (the adaptor's copy), as above.
const router = parseIpv6('2001:db8::66');
const N = 1_000_000;
function floodHost(fragment: FragmentConfig = {}) {
  const scheduler = new Scheduler();
  const wire = new Wire('wire');
  const host = new Host(
    { name: 'flood', address: dst, link: wire, pool, fragment: { mtu: 1500, ...fragment } },
    scheduler,
  );
  host.bind(7);
  return { host, wire, scheduler };
}
const gcNote = (x: unknown) => (x === undefined ? { note: 'run with node --expose-gc' } : {});

{
  // Packet Too Big, MTU 1280, quoting a 1400-byte packet of ours to 2001:db8:1::<n>: plausible, a new destination each.
  const { host, wire, scheduler } = floodHost();
  const q = pool.from(new Uint8Array(8).fill(0x5a));
  writeIpv6Header(q.buffer, NextHeader.UDP, 64, dst, parseIpv6('2001:db8:1::'));
  q.buffer.view.setUint16(q.buffer.start + 4, 1360);
  const at = q.buffer.push(8);
  q.buffer.bytes.set([2, 0, 0, 0], at);
  q.buffer.view.setUint32(at + 4, 1280);
  const ptb = q.buffer.copy();
  q.release();
  let n = 0;
  const flood = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const m = pool.acquire();
      const b = m.buffer;
      b.appendBytes(ptb);
      b.view.setUint32(b.start + 8 + 24 + 12, n++);
      sealIcmpv6(b, router, dst);
      writeIpv6Header(b, NextHeader.ICMPV6, 64, router, dst);
      wire.inject(m);
      scheduler.step();
    }
  };
  const grown = await heapGrowth(flood, N, 1000);
  emit({
    bench: 'ptb-flood-heap',
    unit: 'B per million packets',
    value: grown?.perMillion ?? Number.NaN,
    limit: 1024 * 1024,
    cacheEntries: host.pathMtu.size,
    cacheLimit: host.pathMtu.maxEntries,
    ...gcNote(grown),
  });
}

/** A raw fragment from `from` (its last word set to `srcWord`) into a pooled message, injected and run. */
function fragmentInjector(wire: Wire, scheduler: Scheduler, payload: number) {
  const body = new Uint8Array(payload).fill(0x33);
  return (srcWord: number, id: number, offset: number, more: boolean): void => {
    const m = pool.acquire();
    const b = m.buffer;
    b.appendBytes(body);
    writeFragmentHeader(b, NextHeader.UDP, offset, more, id);
    writeIpv6Header(b, NextHeader.FRAGMENT, 64, src, dst);
    b.view.setUint32(b.start + 8 + 12, srcWord);
    wire.inject(m);
    scheduler.step();
  };
}

{
  // 8-byte fragments from one source, 1,024 per datagram with gaps (never complete).
  const { host, wire, scheduler } = floodHost();
  const send = fragmentInjector(wire, scheduler, 8);
  let i = 0;
  const grown = await heapGrowth(
    (count) => {
      for (let k = 0; k < count; k++, i++) send(1, i >>> 10, (i & 1023) * 16, true);
    },
    N,
    1000,
  );
  emit({
    bench: 'tiny-fragment-flood-heap',
    unit: 'B per million packets',
    value: grown?.perMillion ?? Number.NaN,
    limit: 1024 * 1024,
    refused: host.graph.drops.get('fragment-memory-limit'),
    ...gcNote(grown),
  });
}

{
  // First fragments (64 bytes) from a new spoofed source each.
  const { host, wire, scheduler } = floodHost();
  const send = fragmentInjector(wire, scheduler, 64);
  let i = 0;
  const grown = await heapGrowth(
    (count) => {
      for (let k = 0; k < count; k++, i++) send(0x10000 + i, i & 0xffff, 0, true);
    },
    N,
    1000,
  );
  emit({
    bench: 'spoofed-source-fragments-heap',
    unit: 'B per million packets',
    value: grown?.perMillion ?? Number.NaN,
    limit: 8 * 1024 * 1024,
    evicted: host.graph.drops.get('fragment-evicted'),
    ...gcNote(grown),
  });
}

{
  // One datagram of k 8-byte fragments in a scrambled order (limits raised so it may complete).
  const perFragment = (k: number): number => {
    const { host, wire, scheduler } = floodHost({ maxBytesPerSource: 1 << 24, maxBytes: 1 << 24 });
    const send = fragmentInjector(wire, scheduler, 8);
    const step = 7919; // prime, coprime with k: a permutation
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < 5; r++)
      for (let j = 0; j < k; j++) {
        const f = (j * step) % k;
        send(1, r, f * 8, f < k - 1);
      }
    const ns = Number(process.hrtime.bigint() - t0) / (5 * k);
    const held = (host.graph.find('fragment') as unknown as { data: FragmentData }).data
      .reassemblies.size;
    if (
      held !== 0 ||
      host.graph.drops.get('fragment-overlap') + host.graph.drops.get('fragment-memory-limit') > 0
    )
      throw new Error(
        `reassembly did not complete: ${JSON.stringify(host.graph.drops.snapshot())}`,
      );
    return ns;
  };
  perFragment(1000);
  const small = perFragment(1000);
  const large = perFragment(8000);
  emit({
    bench: 'fragment-reassembly-8000x8',
    unit: 'ns/fragment',
    value: Math.round(large),
    baseline: '1,000 fragments of 8 bytes',
    baselineValue: Math.round(small),
    ratio: round2(large / small),
    target: 'ratio < 2 (no quadratic scan)',
  });
}
