/**
 * Whole messages into a live responder (part of `pnpm test:fuzz`, 100k cases): mutations of
 * every message of a real negotiation, sent to B's ISAKMP graph after its SAs are up. No
 * handler fault, and no change to the established ISAKMP SA or its IPsec SAs.
 */
import fc from 'fast-check';
import { parseIpv6 } from '@conduits/protocols-inet';
import { ikeOf } from './frames.js';
import { A, pair } from './scenario.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);

function mutate(v: Uint8Array) {
  return fc
    .array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 })
    .map((muts) => {
      let p = Uint8Array.from(v);
      for (const [op, pos, x] of muts) {
        const i = p.length ? pos % p.length : 0;
        if (op === 0) p = p.subarray(0, i);
        else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(x % 32)]);
        else if (op === 2 && p.length) p[i]! ^= 1 << (x & 7);
        else if (p.length) p[i] = x;
      }
      return p;
    });
}

test(`mutated negotiation messages into a live responder (${RUNS} cases)`, () => {
  const p = pair();
  p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
  p.net.run(p.net.scheduler.now() + 10_000);
  const messages = p.adversary.seen
    .map((f) => ikeOf(f.data))
    .filter((m): m is Uint8Array => m !== undefined);
  expect(messages).toHaveLength(9);
  const faults: unknown[] = [];
  p.b.isakmp.graph.alerts$.subscribe((a) => a.kind === 'fault' && faults.push(a));
  const before = {
    status: JSON.stringify(p.b.manager.status()),
    sas: p.b.sad.all().map((s) => s.spi),
  };
  const from = parseIpv6(A);
  fc.assert(
    fc.property(fc.constantFrom(...messages), fc.nat(), (m, seed) => {
      const [mutated] = fc.sample(mutate(m), { numRuns: 1, seed });
      p.b.isakmp.adaptor.receive(from, 500, mutated!);
      p.net.scheduler.run(p.net.scheduler.now());
    }),
    { numRuns: RUNS, seed: 21 },
  );
  p.net.run(p.net.scheduler.now() + 60_000);
  expect(faults).toEqual([]);
  const established = p.b.manager.status().filter((s) => s.state === 'ESTABLISHED');
  expect(JSON.stringify(established)).toBe(before.status);
  expect(p.b.sad.all().map((s) => s.spi)).toEqual(before.sas);
  expect(p.b.manager.halfOpen).toBe(0);
});
