/**
 * Two hosts, one with the UDP express lane and one without, fed the same packets: the
 * differential harness of the lane's tests and its fuzz run.
 */
import { Scheduler, type Message } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import fc from 'fast-check';
import { formatIpv6, Host, sourceOf } from '@conduits/protocols-inet';
import { dst, mutatedOf, packets } from './packets.js';

/** Mostly mutated UDP datagrams to a bound (7) and an unbound (9) port, with the other kinds mixed in. */
export const expressCases = fc.oneof(
  { arbitrary: mutatedOf(fc.constantFrom(0, 0, 0, 2, 3), fc.constantFrom(7, 7, 9)), weight: 3 },
  { arbitrary: packets, weight: 1 },
);

interface Seen {
  readonly data: number[];
  readonly from: string;
  readonly attrs: Record<string, unknown>;
}

function seen(m: Message): Seen {
  const attrs: Record<string, unknown> = {};
  m.attrs.forEach((k, v) => (attrs[k.name] = v));
  return { data: [...m.buffer.subarray()], from: formatIpv6(sourceOf(m)), attrs };
}

export function host(express: boolean) {
  const scheduler = new Scheduler();
  const wire = new ProbeAdaptor('wire');
  const h = new Host({ name: 'h', address: dst, link: wire, express }, scheduler);
  const got: Seen[] = [];
  h.bind(7).onDatagram((m) => got.push(seen(m)));
  return {
    h,
    got,
    /** Give the host one packet; what it delivered and sent back. */
    feed(p: Uint8Array) {
      wire.write(p);
      scheduler.run();
      return {
        delivered: got.splice(0),
        sent: wire.take().map((c) => [...c.data]),
        drops: h.graph.drops.snapshot(),
        faults: h.graph.faults,
      };
    },
  };
}

/** Feed both hosts the same packets and require the same outcome for each. */
export function differential(arb: fc.Arbitrary<Uint8Array>, runs: number, seed?: number) {
  const fast = host(true);
  const layered = host(false);
  let delivered = 0;
  fc.assert(
    fc.property(arb, (p) => {
      const a = fast.feed(p);
      const b = layered.feed(p);
      expect(a).toEqual(b);
      delivered += a.delivered.length;
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
  return { taken: fast.h.express?.taken ?? 0, delivered, faults: fast.h.graph.faults };
}
