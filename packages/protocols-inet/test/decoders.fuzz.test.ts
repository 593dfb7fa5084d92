/**
 * Decoder fuzzing, run apart from the main suite (`pnpm test:fuzz`): 100k cases per decoder,
 * mostly mutations of valid packets (truncations, wrong lengths, flipped bits, bad checksums,
 * extension header chains, fragment floods and overlaps, oversize packets). No decoder may
 * throw; every bad packet is dropped and counted; valid traffic still flows afterwards.
 */
import { SeededRandom, type Message } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import fc from 'fast-check';
import { dst, packets, pool, src, valid } from './packets.js';
import { Host, NextHeader } from '@conduits/protocols-inet';
import {
  checkIcmpv6,
  checkIpv6Header,
  checkUdp,
  readFragmentHeader,
  walkExtensionHeaders,
  writeFragmentHeader,
  writeIpv6Header,
} from '@conduits/protocols-inet/codec';
import { Scheduler } from '@conduits/core';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);

function decodeAll(bytes: Uint8Array): void {
  const m = pool.from(bytes);
  const b = m.buffer;
  const ip = b.start;
  if (checkIpv6Header(b) === null) {
    b.pull(40);
    const out = { nextHeader: 0 };
    if (walkExtensionHeaders(b, b.bytes[ip + 6] as number, out) === null) {
      const f = { nextHeader: 0, offset: 0, more: false, id: 0 };
      if (out.nextHeader === NextHeader.FRAGMENT) readFragmentHeader(b, f);
      else if (out.nextHeader === NextHeader.UDP) checkUdp(b, ip);
      else checkIcmpv6(b, ip);
    }
  }
  m.release();
}

describe('decoder fuzzing', () => {
  test(`codecs never throw (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(packets, (p) => decodeAll(p)),
      { numRuns: RUNS },
    );
  });

  test.each([
    ['udp', (m: Message) => checkUdp(m.buffer, 0)],
    ['icmpv6', (m: Message) => checkIcmpv6(m.buffer, 0)],
    [
      'fragment header',
      (m: Message) =>
        readFragmentHeader(m.buffer, { nextHeader: 0, offset: 0, more: false, id: 0 }),
    ],
    [
      'extension headers',
      (m: Message, b: Uint8Array) => walkExtensionHeaders(m.buffer, b[0] ?? 0, { nextHeader: 0 }),
    ],
  ])(`%s decoder on arbitrary bytes never throws (${RUNS} cases)`, (_n, decode) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (b) => {
        const m = pool.from(b);
        decode(m, b);
        m.release();
      }),
      { numRuns: RUNS },
    );
  });

  test(`the host stack drops and counts every bad packet, never faults, and keeps serving valid traffic (${RUNS} packets, fragment floods and overlaps included)`, () => {
    const scheduler = new Scheduler();
    const wire = new ProbeAdaptor('wire');
    const host = new Host({ name: 'victim', address: dst, link: wire }, scheduler);
    const ep = host.bind(7);
    const faults = new Map<string, number>();
    host.graph.alerts$.subscribe((a) => {
      if (a.kind === 'fault')
        faults.set(`${a.conduit}: ${a.reason}`, (faults.get(`${a.conduit}: ${a.reason}`) ?? 0) + 1);
    });
    let delivered = 0;
    ep.onDatagram(() => delivered++);
    const rnd = new SeededRandom(0xf022);
    let n = 0;
    fc.assert(
      fc.property(packets, (p) => {
        n++;
        wire.write(p);
        // Every so often, a burst of overlapping fragments of one datagram.
        if (n % 1000 === 0) {
          const id = rnd.nextU32();
          for (let k = 0; k < 5; k++) {
            const m = pool.from(new Uint8Array(64));
            writeFragmentHeader(m.buffer, NextHeader.UDP, rnd.int(0, 4) * 8, true, id);
            writeIpv6Header(m.buffer, NextHeader.FRAGMENT, 64, src, dst);
            wire.write(m.buffer.copy());
            m.release();
          }
        }
        scheduler.step();
        while (scheduler.step());
      }),
      { numRuns: RUNS },
    );
    scheduler.run();
    expect(Object.fromEntries(faults)).toEqual({});
    expect(host.graph.faults).toBe(0);
    expect(scheduler.faultCount).toBe(0);
    expect(host.graph.drops.total).toBeGreaterThan(RUNS / 2);
    expect(host.graph.drops.get('fragment-overlap')).toBeGreaterThan(0);
    // Valid traffic after the storm.
    const before = delivered;
    for (let i = 0; i < 10; i++) wire.write(valid(0, Uint8Array.of(i)));
    scheduler.run();
    expect(delivered - before).toBe(10);
    process.stdout.write(
      `fuzz: ${n} packets, delivered ${delivered}, drops ${JSON.stringify(host.graph.drops.snapshot())}\n`,
    );
  });
});
