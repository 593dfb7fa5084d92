/** Leader and members on the simulator: join (Ed25519, password), relay, leave, expel, heartbeats both ways, key retransmission, gossip. */
import { Ctl, decodeControl, passwordKey, testScrypt } from '@conduits/group';
import { GroupSim } from '@conduits/group/testing';
import type { Member } from '@conduits/group';

const te = new TextEncoder();
const td = new TextDecoder();

describe('group (repaired)', () => {
  test('five members join with Ed25519 keys, share one epoch, see one membership, and a multicast reaches the four others', () => {
    const sim = new GroupSim({ members: 5, seed: 7 });
    sim.run(500);
    for (const m of sim.members) {
      expect(m.state).toBe('member');
      expect(m.epoch).toBe(sim.leader.epoch);
      expect([...m.view.values()].sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    }
    sim.say(sim.members[0]!, 'hello group');
    expect(sim.members[0]!.delivered).toHaveLength(0);
    for (const m of sim.members.slice(1))
      expect(m.delivered.map((d) => td.decode(d.data))).toEqual(['hello group']);
    expect(sim.warnings).toEqual([]);
    sim.close();
  });

  test('membership goes out as one message listing every member (not one per member)', () => {
    const sim = new GroupSim({ members: 4, seed: 1, join: false });
    for (const m of sim.members.slice(0, 3)) m.join();
    sim.run(300);
    const before = sim.net.log.length;
    sim.members[3]!.join();
    sim.run(300);
    const announcements = sim.net.log
      .slice(before)
      .map((p) => decodeControl(p.bytes))
      .filter((m) => m?.type === Ctl.members);
    expect(announcements).toHaveLength(3); // one to each earlier member
    expect(sim.members[0]!.view.size).toBe(4);
    sim.close();
  });

  test('password members join (scrypt-derived key); a wrong password is refused: the member cannot verify the leader, the leader admits nobody', () => {
    const sim = new GroupSim({ members: 2, seed: 3, auth: 'password', join: false });
    sim.members[0]!.join();
    sim.run(300);
    expect(sim.members[0]!.state).toBe('member');
    const wrong = sim.member('m2', {
      kind: 'password',
      passwordKey: passwordKey(sim.engine, 'not-the-password', 'sim', 'm2', testScrypt),
    });
    wrong.join();
    sim.run(20000);
    expect(wrong.state).toBe('failed');
    expect(wrong.refusals.get('bad-auth')).toBeGreaterThan(0);
    expect(wrong.alerts.map((a) => a.reason)).toContain('bad-auth');
    expect(sim.leader.members().size).toBe(1);
    sim.close();
  });

  test('leave: the leader acknowledges, removes, rekeys; the others move to the new epoch and keep talking', () => {
    const sim = new GroupSim({ members: 4, seed: 11 });
    sim.run(500);
    const [a, b, c, d] = sim.members as [Member, Member, Member, Member];
    const epoch = sim.leader.epoch;
    d.leave();
    sim.run(300);
    expect(d.state).toBe('left');
    expect(sim.leader.epoch).toBe(epoch + 1);
    for (const m of [a, b, c]) {
      expect(m.epoch).toBe(epoch + 1);
      expect(m.view.has(sim.leader.idOf('m4') ?? -1)).toBe(false);
      expect(m.view.size).toBe(3);
    }
    sim.say(a, 'after');
    expect(td.decode(b.delivered.at(-1)!.data)).toBe('after');
    sim.close();
  });

  test('expel: the member is told under its K_a, the others are rekeyed', () => {
    const sim = new GroupSim({ members: 3, seed: 5 });
    sim.run(500);
    const epoch = sim.leader.epoch;
    sim.leader.expel(sim.leader.idOf('m2')!);
    sim.run(100);
    expect(sim.byName('m2').state).toBe('expelled');
    expect(sim.byName('m1').epoch).toBe(epoch + 1);
    expect(sim.leader.members().size).toBe(2);
    sim.close();
  });

  test('heartbeats: a crashed leader is detected (alert leader-dead); a crashed member is removed and the group rekeyed', () => {
    const sim = new GroupSim({ members: 3, seed: 9, heartbeat: 1000, deadAfter: 3500 });
    sim.run(500);
    const epoch = sim.leader.epoch;
    sim.net.crash(sim.byName('m3').endpoint); // it still sends, hears nothing
    sim.run(8000);
    expect(sim.leader.members().size).toBe(2);
    expect(sim.leader.alerts.map((a) => a.reason)).toContain('member-dead');
    expect(sim.byName('m1').epoch).toBe(epoch + 1);
    expect(sim.byName('m1').leaderDead).toBe(false);
    sim.net.crash(sim.leader.endpoint);
    sim.run(6000);
    expect(sim.byName('m1').leaderDead).toBe(true);
    expect(sim.byName('m1').alerts.map((a) => a.reason)).toContain('leader-dead');
    sim.close();
  });

  test('a member that missed a rekey learns the epoch from a heartbeat answer and gets its keys with an authenticated key request', () => {
    const sim = new GroupSim({ members: 3, seed: 2, heartbeat: 500 });
    sim.run(700); // between heartbeats (every 500 ms)
    const m1 = sim.byName('m1');
    sim.net.adversary = (p) =>
      p.to === m1.endpoint && decodeControl(p.bytes)?.type === Ctl.rekey ? 'drop' : 'pass';
    sim.leader.rekeyNow();
    sim.run(50);
    expect(m1.epoch).toBe(sim.leader.epoch - 1);
    sim.net.adversary = null;
    sim.run(1500);
    expect(m1.epoch).toBe(sim.leader.epoch);
    expect(sim.leader.stats.keyReplies).toBe(1);
    sim.say(sim.byName('m2'), 'x');
    expect(m1.delivered).toHaveLength(1);
    sim.close();
  });

  test('gossip reaches the chosen members only', () => {
    const sim = new GroupSim({ members: 4, seed: 4 });
    sim.run(500);
    const ids = ['m2', 'm3'].map((n) => sim.leader.idOf(n)!);
    sim.byName('m1').sendGossip(ids, te.encode('psst'));
    sim.run(50);
    expect(sim.byName('m2').gossip.map((g) => td.decode(g.data))).toEqual(['psst']);
    expect(sim.byName('m3').gossip).toHaveLength(1);
    expect(sim.byName('m4').gossip).toHaveLength(0);
    sim.close();
  });

  test('a lossy, reordering network: joins complete by retransmission (TaskHost), deterministically for a seed', () => {
    const run = () => {
      const sim = new GroupSim({ members: 6, seed: 42, net: { loss: 0.2, jitter: 20 } });
      sim.run(20000);
      const r = {
        states: sim.members.map((m) => m.state),
        sent: sim.net.stats.sent,
        lost: sim.net.stats.lost,
      };
      sim.close();
      return r;
    };
    const a = run();
    expect(a.states.every((s) => s === 'member')).toBe(true);
    expect(a.lost).toBeGreaterThan(0);
    expect(run()).toEqual(a);
  });
});

describe('join robustness', () => {
  test("a replayed HELLO in a member's name (any endpoint) removes nobody; a rejoin that authenticates replaces the old membership", () => {
    const sim = new GroupSim({ members: 3, seed: 21 });
    sim.run(500);
    const m1 = sim.byName('m1');
    const hello = sim.net.log.find(
      (p) => p.from === m1.endpoint && decodeControl(p.bytes)?.type === Ctl.hello,
    )!.bytes;
    const replayed = Uint8Array.from(hello);
    replayed[20] = 9; // another exchange number
    sim.net.inject(m1.endpoint, sim.leader.endpoint, replayed);
    sim.net.inject(4242, sim.leader.endpoint, hello);
    sim.run(2000);
    expect(sim.leader.idOf('m1')).toBe(m1.id);
    sim.say(m1, 'still in');
    expect(sim.byName('m2').delivered.at(-1)?.sender).toBe(m1.id);
    // The real m1 restarts (a new process, same credentials) and joins again.
    const again = sim.member('m1');
    again.join();
    sim.run(500);
    expect(again.state).toBe('member');
    expect(sim.leader.idOf('m1')).toBe(again.id);
    expect(sim.leader.members().size).toBe(3);
    sim.close();
  });
});

describe('heartbeats under loss', () => {
  test('20% loss and reordering for 30 s: nobody is declared dead, every member follows the rekeys', () => {
    const sim = new GroupSim({
      members: 4,
      seed: 31,
      heartbeat: 500,
      deadAfter: 3500,
      net: { loss: 0.2, jitter: 30 },
    });
    sim.run(5000);
    for (let i = 0; i < 5; i++) {
      sim.leader.rekeyNow();
      sim.run(5000);
    }
    expect(sim.leader.alerts.filter((a) => a.reason === 'member-dead')).toEqual([]);
    expect(sim.leader.members().size).toBe(4);
    for (const m of sim.members) {
      expect(m.leaderDead).toBe(false);
      expect(m.epoch).toBe(sim.leader.epoch);
    }
    sim.close();
  });
});

describe('expulsion requested by a member', () => {
  test("the leader's policy decides: refused for one member, granted for another (expelled, group rekeyed)", () => {
    const sim = new GroupSim({
      members: 4,
      seed: 17,
      leader: { expelPolicy: (requester, target) => requester === 'm1' && target !== 'm1' },
    });
    sim.run(500);
    const epoch = sim.leader.epoch;
    sim.byName('m2').requestExpulsion(sim.byName('m3').id);
    sim.run(100);
    expect(sim.byName('m2').expelAnswers).toEqual([
      { target: sim.byName('m3').id, accepted: false },
    ]);
    expect(sim.byName('m3').state).toBe('member');
    sim.byName('m1').requestExpulsion(sim.byName('m3').id);
    sim.run(100);
    expect(sim.byName('m1').expelAnswers.at(-1)?.accepted).toBe(true);
    expect(sim.byName('m3').state).toBe('expelled');
    expect(sim.byName('m2').epoch).toBe(epoch + 1);
    sim.close();
  });
});

describe('acknowledged rekeys (tasks)', () => {
  test("a lost rekey is sent again by the leader's task until acknowledged; a repeat is answered from the stored ack, never applied twice", () => {
    const sim = new GroupSim({
      members: 3,
      seed: 23,
      leader: { rekeyAcks: true },
      heartbeat: 60_000,
      deadAfter: 600_000,
    });
    sim.run(500);
    const m1 = sim.byName('m1');
    let dropped = 0;
    sim.net.adversary = (p) =>
      p.to === m1.endpoint && decodeControl(p.bytes)?.type === Ctl.rekey && dropped++ < 2
        ? 'drop'
        : 'pass';
    sim.leader.rekeyNow();
    sim.run(2000);
    expect(dropped).toBe(3);
    expect(m1.epoch).toBe(sim.leader.epoch);
    expect(sim.leader.stats.keyReplies).toBe(0);
    // A lost ack: the member answers the repeated rekey from its host.
    sim.net.adversary = (p) =>
      p.from === m1.endpoint && decodeControl(p.bytes)?.type === Ctl.rekeyAck && dropped++ < 4
        ? 'drop'
        : 'pass';
    sim.leader.rekeyNow();
    sim.run(2000);
    expect(m1.epoch).toBe(sim.leader.epoch);
    expect(m1.refusals.get('not-fresh')).toBe(0);
    expect(sim.byName('m2').epoch).toBe(sim.leader.epoch);
    sim.close();
  });
});
