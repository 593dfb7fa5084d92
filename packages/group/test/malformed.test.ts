/** Decoders never throw on malformed bytes: random and mutated packets at leader and members are dropped and counted, the group goes on. */
import fc from 'fast-check';
import { Ctl, decodeControl } from '@conduits/group';
import { GroupSim } from '@conduits/group/testing';

const te = new TextEncoder();

test('random bytes and bit-flipped real packets, injected everywhere: no fault, counted refusals, the group still works', () => {
  const sim = new GroupSim({ members: 3, seed: 12 });
  sim.run(500);
  sim.byName('m1').send(te.encode('warm-up'));
  sim.byName('m2').sendGossip([sim.byName('m3').id], te.encode('g'));
  sim.run(100);
  const real = sim.net.log.map((p) => p.bytes);
  const ends = [sim.leader.endpoint, ...sim.members.map((m) => m.endpoint)];
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 200 }),
      fc.nat(),
      fc.nat(),
      (junk, pick, bit) => {
        const to = ends[pick % ends.length]!;
        sim.net.inject(ends[(pick + 1) % ends.length]!, to, junk);
        const p = Uint8Array.from(real[pick % real.length]!);
        if (p.length > 0) p[bit % p.length]! ^= 1 << (bit % 8);
        sim.net.inject(ends[(pick + 2) % ends.length]!, to, p);
        sim.net.inject(ends[(pick + 2) % ends.length]!, to, p.subarray(0, bit % (p.length + 1)));
      },
    ),
    { numRuns: 300, seed: 7 },
  );
  sim.run(200);
  expect(sim.scheduler.faultCount).toBe(0);
  const refused = [sim.leader, ...sim.members].reduce(
    (n, x) => n + [...x.refusals.counts.values()].reduce((a, b) => a + b, 0),
    0,
  );
  expect(refused).toBeGreaterThan(300);
  for (const m of sim.members) expect(m.state).toBe('member');
  const n = sim.byName('m3').delivered.length;
  sim.say(sim.byName('m1'), 'still here');
  expect(sim.byName('m3').delivered.length).toBe(n + 1);
  expect(decodeControl(new Uint8Array([Ctl.hello]))).toBeNull();
  sim.close();
});
