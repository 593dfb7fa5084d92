/** Presets as compositions: warnings, flat vs LKH distribution, batched rekeys at the leader, the TTP exchange without an attacker. */
import { Scheduler, TaskHost } from '@conduits/core';
import { nobleEngine as engine } from '@conduits/crypto';
import { PairKeyFetch, preset, TrustedThirdParty, type TtpMessage } from '@conduits/group';
import { GroupSim } from '@conduits/group/testing';

describe('presets', () => {
  test('published presets warn (and alert) when the leader starts; repaired and enclaves1 do not', () => {
    for (const [name, warns] of [
      ['repaired', false],
      ['enclaves1', false],
      ['antigone-published', true],
      ['enclaves2-published', true],
    ] as const) {
      const sim = new GroupSim({ members: 1, preset: name, join: false });
      expect(sim.warnings.length > 0).toBe(warns);
      expect(sim.leader.alerts.some((a) => a.reason === 'insecure-preset')).toBe(warns);
      sim.close();
    }
    expect(() => preset('nope')).toThrow(/unknown preset/);
  });

  test('enclaves1 (conservative format, group-wide distribution): a leave wraps the key for every remaining member; repaired wraps O(log n)', () => {
    const cost = (name: 'enclaves1' | 'repaired') => {
      const sim = new GroupSim({ members: 16, preset: name, seed: 3, leader: { capacity: 16 } });
      sim.run(800);
      const before = sim.leader.stats.wrappedKeys;
      sim.byName('m16').leave();
      sim.run(200);
      const wraps = sim.leader.stats.wrappedKeys - before;
      expect(sim.byName('m1').epoch).toBe(sim.leader.epoch);
      sim.close();
      return wraps;
    };
    expect(cost('enclaves1')).toBe(15);
    expect(cost('repaired')).toBeLessThanOrEqual(2 * 4 - 1);
  });

  test('batched rekeying: five departures within the batch window cost one rekey', () => {
    const sim = new GroupSim({ members: 10, seed: 8, leader: { batchWindow: 100 } });
    sim.run(1000);
    const rekeys = sim.leader.stats.rekeys;
    for (const n of ['m2', 'm4', 'm6', 'm8', 'm10']) sim.byName(n).leave();
    sim.run(500);
    expect(sim.leader.stats.rekeys).toBe(rekeys + 1);
    for (const n of ['m1', 'm3', 'm5', 'm7', 'm9'])
      expect(sim.byName(n).epoch).toBe(sim.leader.epoch);
    sim.close();
  });
});

describe('Antigone TTP exchange without an attacker', () => {
  test.each([false, true])(
    'the leader gets σ_SL,A right (reply names the member: %s)',
    (namesMember) => {
      const scheduler = new Scheduler();
      const ttp = new TrustedThirdParty(engine, namesMember);
      const kSL = engine.randomBytes(32);
      ttp.register('SL', kSL);
      ttp.register('A', engine.randomBytes(32));
      const fetch = new PairKeyFetch(engine, 'SL', 'A', kSL, namesMember);
      let sigma: Uint8Array | null = null;
      const host: TaskHost<TtpMessage, TtpMessage> = new TaskHost(
        scheduler,
        {
          exchangeOf: (m) => m.exchange,
          stepOf: (m) => m.step,
          create: (exchange) => ({ exchange, step: 0, body: new Uint8Array(0) }),
          send: (m) =>
            scheduler.after(
              5,
              () => void host.receive({ exchange: m.exchange, step: 2, body: ttp.answer(m.body)! }),
            ),
        },
        { completed: () => void (sigma = fetch.sigma), failed: () => {} },
      );
      host.initiate(fetch, 1);
      scheduler.run();
      expect(sigma).not.toBeNull();
      expect(Buffer.from(sigma!).equals(Buffer.from(ttp.sigmaFor('A', 'SL')!))).toBe(true);
    },
  );
});
