/**
 * The protocols as tasks on the core's TaskHost, over a signed broadcast with sealed private
 * shares, on a simulated network in virtual time: DKG then refresh among 7 servers with frame
 * loss (retransmission and duplicate answering recover it), a crashed server (round
 * deadlines), a replayed frame of an earlier period (refused), forged frames (dropped).
 */
import { engines, nobleGroup } from '@conduits/crypto';
import {
  Dkg,
  JointRandom,
  Recovery,
  Refresh,
  Reshare,
  SimulatedServers,
  type KeyShare,
  type RoundProtocol,
  type RunOutcome,
} from '@conduits/proactive';
import type { RoundMessage } from '@conduits/proactive/codec';
import { seededRandom } from '@conduits/proactive/testing';
import { range } from './helpers.js';

const g = nobleGroup('ed25519');
const engine = engines.noble;

/** Run one exchange on every live node; returns each node's outcome. */
function runAll<R>(
  sim: SimulatedServers,
  exchange: number,
  make: (i: number) => RoundProtocol<RoundMessage, R> | null,
): Map<number, RunOutcome<R>> {
  const out = new Map<number, RunOutcome<R>>();
  for (const [i, node] of sim.nodes) {
    const p = make(i);
    if (p !== null) node.run(exchange, p, 'round', (o) => out.set(i, o));
  }
  sim.scheduler.run();
  return out;
}

describe('proactive protocols as tasks over a simulated authenticated broadcast', () => {
  test('n=5, t=2: DKG then a refresh, with 10% frame loss; same key throughout, virtual time only', () => {
    const servers = range(5);
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('sim-loss'),
      loss: 0.1,
    });
    const dkg = runAll(
      sim,
      1,
      (i) =>
        new Dkg({
          group: g,
          self: i,
          servers,
          threshold: 2,
          period: 0,
          random: seededRandom(`sim-dkg/${i}`),
        }),
    );
    expect([...dkg.values()].every((o) => o.ok)).toBe(true);
    let keys = servers.map((i) => dkg.get(i)!.result!);
    const pk = keys[0]!.publicKey;
    expect(keys.every((k) => k.verify() && k.publicKey.equals(pk))).toBe(true);
    for (let period = 1; period <= 1; period++) {
      const r = runAll(
        sim,
        1 + period,
        (i) => new Refresh({ share: keys[i - 1]!, random: seededRandom(`sim-r${period}/${i}`) }),
      );
      expect([...r.values()].every((o) => o.ok)).toBe(true);
      const next = servers.map((i) => r.get(i)!.result!);
      expect(next.every((k) => k.period === period && k.verify() && k.publicKey.equals(pk))).toBe(
        true,
      );
      expect(keys.every((k) => k.destroyed)).toBe(true);
      keys = next;
    }
    expect(sim.stats.lost).toBeGreaterThan(0);
    const retransmitted = [...sim.nodes.values()].reduce(
      (a, n) => a + n.host.stats.retransmitted,
      0,
    );
    expect(retransmitted).toBeGreaterThan(0);
    sim.close();
  });

  test('a crashed server: the round deadlines end its rounds; the others finish without it (named no-deal)', () => {
    const servers = range(5);
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('sim-crash'),
      down: [4],
    });
    const out = runAll(sim, 1, (i) =>
      i === 4
        ? null
        : new Dkg({
            group: g,
            self: i,
            servers,
            threshold: 2,
            random: seededRandom(`sim-crash/${i}`),
          }),
    );
    const keys = [1, 2, 3, 5].map((i) => out.get(i)!.result!);
    expect(keys.every((k) => k.verify() && k.publicKey.equals(keys[0]!.publicKey))).toBe(true);
    // Three rounds, each ended by its 1000 ms deadline.
    expect(sim.scheduler.now()).toBeGreaterThanOrEqual(3000);
    sim.close();
  });

  test('a frame of the previous period replayed into the refresh is refused; forged and tampered frames are dropped', () => {
    const servers = range(4);
    const recorded: Uint8Array[] = [];
    let replay = false;
    let tamper = false;
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('sim-replay'),
      intercept: (from, to, frame) => {
        if (from === 2 && to === 1 && !replay) recorded.push(frame);
        if (tamper && from === 3 && to === 1) {
          const t = Uint8Array.from(frame);
          t[10]! ^= 1;
          return t;
        }
        return frame;
      },
    });
    const dkg = runAll(
      sim,
      1,
      (i) =>
        new Dkg({
          group: g,
          self: i,
          servers,
          threshold: 1,
          random: seededRandom(`sim-replay/${i}`),
        }),
    );
    let keys = servers.map((i) => dkg.get(i)!.result!);
    const r1 = runAll(
      sim,
      2,
      (i) => new Refresh({ share: keys[i - 1]!, random: seededRandom(`sim-replay-r1/${i}`) }),
    );
    keys = servers.map((i) => r1.get(i)!.result!);
    const period1 = recorded.length;
    replay = true;
    tamper = true;
    const node1 = sim.nodes.get(1)!;
    const r2Results = new Map<number, RunOutcome<KeyShare>>();
    for (const [i, node] of sim.nodes)
      node.run(
        3,
        new Refresh({ share: keys[i - 1]!, random: seededRandom(`sim-replay-r2/${i}`) }),
        'refresh',
        (o) => r2Results.set(i, o),
      );
    // Server 2's period-1 frames, replayed to server 1 during period 2's refresh: the host sees an old exchange.
    const before = node1.receipts.get('stale') ?? 0;
    for (const f of recorded.slice(0, period1)) node1.receive(f);
    expect((node1.receipts.get('stale') ?? 0) - before).toBe(period1);
    sim.scheduler.run();
    // Server 3's frames were altered in flight to server 1: signature check drops them; server 1 ends the rounds by deadline and names 3.
    expect(node1.channel.drops['bad-signature']).toBeGreaterThan(0);
    expect(r2Results.get(2)!.ok).toBe(true);
    expect(r2Results.get(2)!.result!.publicKey.equals(keys[1]!.publicKey)).toBe(true);
    sim.close();
  });

  test('a refresh frame of period 1 replayed into period 2 under the same exchange number is refused by the period check', () => {
    const servers = range(4);
    const frames: Uint8Array[] = [];
    let record = false;
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('sim-same'),
      intercept: (from, to, f) => (record && from === 2 && to === 1 && frames.push(f), f),
    });
    const dkg = runAll(
      sim,
      1,
      (i) =>
        new Dkg({
          group: g,
          self: i,
          servers,
          threshold: 1,
          random: seededRandom(`sim-same/${i}`),
        }),
    );
    let keys = servers.map((i) => dkg.get(i)!.result!);
    record = true;
    const r1 = runAll(
      sim,
      2,
      (i) => new Refresh({ share: keys[i - 1]!, random: seededRandom(`sim-same-r1/${i}`) }),
    );
    record = false;
    keys = servers.map((i) => r1.get(i)!.result!);
    // A node that (wrongly) reuses exchange 2 for the period-2 refresh still refuses the period-1 messages.
    const node = sim.nodes.get(1)!;
    node.run(
      2,
      new Refresh({ share: keys[0]!, random: seededRandom('sim-same-r2') }),
      'refresh',
      () => undefined,
    );
    node.receive(frames[0]!);
    const task = node.host.task as unknown as { refusals: Map<string, number> };
    // Server 2's round-1 frame to 1: its deal and its share for 1, both of period 1.
    expect([...task.refusals]).toEqual([['stale-period', 2]]);
    sim.close();
  });

  test('recovery as tasks: the lost share comes back over the sealed channel', () => {
    const servers = range(5);
    const sim = new SimulatedServers({ engine, servers, random: seededRandom('sim-rec') });
    const dkg = runAll(
      sim,
      1,
      (i) =>
        new Dkg({ group: g, self: i, servers, threshold: 2, random: seededRandom(`sim-rec/${i}`) }),
    );
    const keys = servers.map((i) => dkg.get(i)!.result!);
    const lost = keys[4]!.secret.clone();
    keys[4]!.destroy();
    const pub = keys[0]!;
    const out = runAll(
      sim,
      2,
      (i) =>
        new Recovery({
          group: g,
          self: i,
          target: 5,
          helpers: [1, 2, 3, 4],
          share: i === 5 ? undefined : keys[i - 1],
          servers,
          threshold: 2,
          commitments: pub.commitments,
          period: 0,
          random: seededRandom(`sim-rec-r/${i}`),
        }),
    );
    expect(out.get(5)!.result!.share!.secret.equals(lost)).toBe(true);
    sim.close();
  });
  test('joint randomness (5 rounds) and resharing to a larger committee as tasks', () => {
    const servers = range(6);
    const sim = new SimulatedServers({
      engine,
      servers,
      random: seededRandom('sim-more'),
      loss: 0.05,
    });
    const jr = runAll(sim, 1, (i) =>
      i > 4
        ? null
        : new JointRandom({
            group: g,
            self: i,
            servers: range(4),
            threshold: 1,
            period: 0,
            random: seededRandom(`sim-jr/${i}`),
          }),
    );
    const values = new Set(
      [1, 2, 3, 4].map((i) => Buffer.from(jr.get(i)!.result!.value).toString('hex')),
    );
    expect(values.size).toBe(1);
    const dkg = runAll(sim, 2, (i) =>
      i > 4
        ? null
        : new Dkg({
            group: g,
            self: i,
            servers: range(4),
            threshold: 1,
            random: seededRandom(`sim-more/${i}`),
          }),
    );
    const keys = [1, 2, 3, 4].map((i) => dkg.get(i)!.result!);
    const old = keys[0]!;
    const out = runAll(
      sim,
      3,
      (i) =>
        new Reshare({
          group: g,
          self: i,
          dealers: [1, 2, 3, 4],
          share: keys[i - 1],
          oldThreshold: 1,
          oldCommitments: old.commitments,
          oldPeriod: 0,
          newServers: servers,
          newThreshold: 2,
          random: seededRandom(`sim-rs/${i}`),
        }),
    );
    const fresh = servers.map((i) => out.get(i)!.result!);
    expect(
      fresh.every(
        (k) => k !== null && k.verify() && k.threshold === 2 && k.publicKey.equals(old.publicKey),
      ),
    ).toBe(true);
    sim.close();
  });
});
