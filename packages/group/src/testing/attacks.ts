/**
 * Every flaw of Dutertre's analysis of Antigone and Enclaves 2.0 as a script: run it against
 * a preset and learn whether it succeeded. Each is meant to succeed against the published
 * preset it names and fail against `repaired`, where the refusal is counted by reason and an
 * alert raised (`refusals`, `alerts` of the result).
 */
import { linkKeys } from '../channel/link-keys.js';
import {
  Ctl,
  ControlSealer,
  decodeControl,
  type ControlMessage,
} from '../control/control-message.js';
import { TaskHost } from '@conduits/core';
import type { Member } from '../node/member.js';
import { sequenceTrailer } from '../node/sequence-trailer.js';
import { PairKeyFetch, type TtpMessage } from '../ttp/pair-key-fetch.js';
import { TrustedThirdParty } from '../ttp/ttp.js';
import type { PresetName } from '../preset.js';
import type { Packet } from '../sim/star-net.js';
import { GroupSim } from './group-sim.js';

export interface AttackResult {
  readonly attack: AttackName;
  readonly preset: PresetName;
  readonly seed: number;
  readonly succeeded: boolean;
  /** What the attack achieved or why it failed, in a few words. */
  readonly outcome: string;
  /** Refusals at the leader and every member, by reason. */
  readonly refusals: Record<string, number>;
  /** Alerts raised, by reason. */
  readonly alerts: Record<string, number>;
}

export interface Attack {
  /** Which published protocol it is a flaw of, and the preset that shows it. */
  readonly against: PresetName;
  /** Other published presets with the same flaw. */
  readonly alsoAgainst?: readonly PresetName[];
  readonly flaw: string;
  run(preset: PresetName, seed: number): { succeeded: boolean; outcome: string; sims: GroupSim[] };
}

const te = new TextEncoder();
const td = new TextDecoder();

function packets(
  sim: GroupSim,
  type: number,
  pred: (p: Packet, m: ControlMessage) => boolean = () => true,
): Packet[] {
  return sim.net.log.filter((p) => {
    const m = decodeControl(p.bytes);
    return m !== null && m.type === type && pred(p, m);
  });
}

/** A copy of control bytes with header fields rewritten (the unbound format lets anyone do this). */
function rewrite(
  bytes: Uint8Array,
  f: { group?: Uint8Array; from?: number; to?: number; exchange?: number },
): Uint8Array {
  const b = Uint8Array.from(bytes);
  const v = new DataView(b.buffer);
  if (f.group) b.set(f.group, 1);
  if (f.from !== undefined) v.setUint32(9, f.from);
  if (f.to !== undefined) v.setUint32(13, f.to);
  if (f.exchange !== undefined) v.setUint32(17, f.exchange);
  return b;
}

function clearControl(
  type: number,
  group: Uint8Array,
  from: number,
  to: number,
  exchange: number,
  step: number,
): Uint8Array {
  const b = new Uint8Array(23);
  const v = new DataView(b.buffer);
  b[0] = type;
  b.set(group, 1);
  v.setUint32(9, from);
  v.setUint32(13, to);
  v.setUint32(17, exchange);
  b[21] = step;
  return b;
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const id = (sim: GroupSim, name: string) => sim.leader.idOf(name) as number;

/** Drop the CLOSE to `victim`, so a malicious member keeps every key it had (it ignores its expulsion). */
function expelKeepingKeys(sim: GroupSim, victim: Member): void {
  sim.net.adversary = (p) =>
    p.to === victim.endpoint && decodeControl(p.bytes)?.type === Ctl.close ? 'drop' : 'pass';
  sim.leader.expel(id(sim, victim.name));
  sim.run(100);
  sim.net.adversary = null;
}

export const attacks = {
  'ttp-pair-key-substitution': {
    against: 'antigone-published',
    flaw: "Antigone: the TTP's reply does not name A — an attacker swaps A for B in the request and SL silently derives a wrong pair key",
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed, join: false });
      const e = sim.engine;
      const ttp = new TrustedThirdParty(e, sim.policy.ttpNamesMember);
      const kSL = e.randomBytes(32);
      ttp.register(sim.leader.name, kSL);
      for (const n of ['m1', 'm2']) ttp.register(n, e.randomBytes(32));
      const ttpEnd = sim.net.attach((from, bytes) => {
        const reply = ttp.answer(bytes.subarray(5));
        if (reply !== null)
          sim.net.send(ttpEnd, from, new Uint8Array([...bytes.subarray(0, 4), 2, ...reply]));
      });
      let leaderEnd = -1;
      const fetch = new PairKeyFetch(e, sim.leader.name, 'm1', kSL, sim.policy.ttpNamesMember);
      let fetched: Uint8Array | null = null;
      const host = new TaskHost<TtpMessage, TtpMessage>(
        sim.scheduler,
        {
          exchangeOf: (m) => m.exchange,
          stepOf: (m) => m.step,
          create: (exchange) => ({ exchange, step: 0, body: new Uint8Array(0) }),
          send: (m) =>
            sim.net.send(
              leaderEnd,
              ttpEnd,
              new Uint8Array([0, 0, 0, m.exchange, m.step, ...m.body]),
            ),
        },
        {
          completed: () => void (fetched = fetch.sigma),
          failed: () => {},
          refused: (_m, reason) => void sim.leader.refusals.refuse(reason, 'ttp reply'),
        },
        { tries: 2 },
      );
      leaderEnd = sim.net.attach((_from, bytes) => {
        const r = host.receive({
          exchange: bytes[3] as number,
          step: bytes[4] as number,
          body: bytes.subarray(5),
        });
        if (r === 'refused')
          sim.leader.refusals.refuse(host.lastRefusal?.reason ?? 'refused', 'ttp reply');
      });
      // The attacker (insider m2) rewrites "SL, m1, I_1" into "SL, m2, I_1".
      sim.net.adversary = (p) => {
        if (p.to !== ttpEnd) return 'pass';
        const b = Uint8Array.from(p.bytes);
        for (let i = 0; i + 3 < b.length; i++) {
          // the member's name field: length 2, "m1"
          if (b[i] === 0 && b[i + 1] === 2 && b[i + 2] === 0x6d && b[i + 3] === 0x31) {
            b[i + 3] = 0x32;
            return b;
          }
        }
        return 'pass';
      };
      host.initiate(fetch, 1);
      sim.run(2000);
      host.close();
      const truth = ttp.sigmaFor('m1', sim.leader.name) as Uint8Array;
      const wrong = fetched !== null && !sameKey(fetched, truth);
      const silent = !sim.leader.alerts.some((a) => a.reason !== 'insecure-preset');
      return {
        succeeded: wrong && silent,
        outcome:
          fetched === null
            ? 'substituted reply refused'
            : wrong
              ? 'leader silently derived a wrong pair key for m1'
              : 'pair key correct',
        sims: [sim],
      };
    },
  },
  'sigma-reuse': {
    against: 'antigone-published',
    flaw: 'Antigone: σ_SL,A reused across sessions — one compromised pair key reads and masquerades in later sessions',
    run(preset, seed) {
      let leaked: Uint8Array | null = null;
      const s1 = new GroupSim({
        members: 2,
        preset,
        seed,
        compromise: (n, k) => void (n === 'm1' && (leaked = k)),
      });
      s1.run(500);
      const leave1 = s1.byName('m1');
      leave1.leave(); // recorded by the attacker, under the pair key it will compromise
      s1.run(100);
      const recorded = packets(s1, Ctl.leave)[0]!.bytes;
      s1.close();
      const s2 = new GroupSim({ members: 2, preset, seed: seed + 1, sessionAfter: s1 });
      s2.run(500);
      // Eavesdrop: open session 2's welcome to m1 (it carries the group key) with the key leaked in session 1.
      const wb = packets(s2, Ctl.welcome, (p) => p.to === s2.byName('m1').endpoint)[0]!.bytes;
      const welcome = decodeControl(s2.policy.sealSequence ? wb : wb.subarray(0, wb.length - 20))!;
      const lk = linkKeys(
        s2.engine,
        leaked as unknown as Uint8Array,
        s2.policy.boundControl ? s2.leader.group : new Uint8Array(0),
      );
      const opener = new ControlSealer(
        s2.engine.aead('aes-256-gcm', lk.controlDown),
        s2.policy.boundControl,
      );
      const read = opener.open(welcome) !== null;
      opener.destroy();
      // Masquerade: the old LEAVE, under the same σ_SL,A, still opens.
      s2.net.inject(
        s2.byName('m1').endpoint,
        s2.leader.endpoint,
        rewrite(recorded, { group: s2.leader.group, from: id(s2, 'm1'), exchange: 99 }),
      );
      s2.run(100);
      const removed = s2.leader.idOf('m1') === undefined;
      return {
        succeeded: removed || read,
        outcome: `old pair key ${read ? 'opens' : 'does not open'} the new session's welcome; old leave ${removed ? 'removes m1' : 'refused'}`,
        sims: [s2],
      };
    },
  },
  'sequence-alter': {
    against: 'antigone-published',
    flaw: "Antigone: the new member's key message protects S_SL only with a K_g MAC — any member alters it",
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed, join: false });
      const [m1, m2, m3] = sim.members as [Member, Member, Member];
      m1.join();
      m2.join();
      sim.run(500);
      sim.leader.rekeyNow();
      sim.leader.rekeyNow();
      sim.run(100);
      let tampered = false;
      // Insider m2 holds K_g: it rewrites S_SL in m3's welcome and recomputes the K_g MAC (or, sealed, flips a byte).
      sim.net.adversary = (p) => {
        if (tampered || p.to !== m3.endpoint || decodeControl(p.bytes)?.type !== Ctl.welcome)
          return 'pass';
        tampered = true;
        const b = Uint8Array.from(p.bytes);
        if (sim.policy.sealSequence) {
          b[b.length - 20]! ^= 1;
          return b;
        }
        const gk = sim.leader.tree.groupKey();
        b.set(sequenceTrailer(sim.engine, gk, 0), b.length - 20);
        gk.fill(0);
        return b;
      };
      m3.join();
      sim.run(1000);
      const altered = m3.state === 'member' && m3.sequence !== sim.leader.sequence;
      return {
        succeeded: altered,
        outcome: `member took S_SL ${m3.sequence}, leader's is ${sim.leader.sequence}`,
        sims: [sim],
      };
    },
  },
  'past-session-rekey-replay': {
    against: 'antigone-published',
    flaw: 'Antigone: a rekey message from a past session replayed, so a member uses an old K_g',
    run(preset, seed) {
      const s1 = new GroupSim({ members: 2, preset, seed });
      s1.run(500);
      s1.leader.rekeyNow();
      s1.run(100);
      const m1 = s1.byName('m1');
      const old = packets(s1, Ctl.rekey, (p) => p.to === m1.endpoint).at(-1)!.bytes;
      const insider = s1.byName('m2'); // keeps session 1's group key
      const s2 = new GroupSim({ members: 2, preset, seed: seed + 1, sessionAfter: s1 });
      s2.run(500);
      const victim = s2.byName('m1');
      s2.net.inject(s2.leader.endpoint, victim.endpoint, rewrite(old, { group: s2.leader.group }));
      s2.run(100);
      const frame = victim.seal(te.encode('secret'));
      frame.set(s1.leader.group, 1);
      const read = insider.tryOpen(frame);
      s1.close();
      return {
        succeeded: read !== null,
        outcome:
          read !== null
            ? `victim back on session 1's key; old member read "${td.decode(read)}"`
            : 'replayed rekey refused',
        sims: [s2],
      };
    },
  },
  'leave-replay': {
    against: 'antigone-published',
    flaw: 'Antigone: leave/eject whose freshness rests on g — an old leave replayed removes the member again',
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed });
      sim.run(500);
      sim.byName('m1').leave();
      sim.run(100);
      const recorded = packets(sim, Ctl.leave)[0]!.bytes;
      const again = sim.member('m1');
      sim.members.push(again);
      again.join();
      sim.run(500);
      sim.net.inject(
        again.endpoint,
        sim.leader.endpoint,
        rewrite(recorded, { from: id(sim, 'm1'), exchange: 99 }),
      );
      sim.run(100);
      const removed = sim.leader.idOf('m1') === undefined;
      return {
        succeeded: removed,
        outcome: removed ? 'rejoined m1 removed by its replayed leave' : 'replayed leave refused',
        sims: [sim],
      };
    },
  },
  'no-rekey-after-leave': {
    against: 'antigone-published',
    alsoAgainst: ['enclaves2-published'],
    flaw: 'Antigone / Enclaves 2.0: no rekey after leave or expulsion — the ex-member still reads and sends (forward secrecy)',
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed });
      sim.run(500);
      const ex = sim.byName('m3');
      expelKeepingKeys(sim, ex);
      sim.byName('m1').send(te.encode('after expulsion'));
      sim.run(50);
      const frame = sim.net.log
        .filter((p) => p.from === sim.byName('m1').endpoint && p.bytes[0]! >= 0x20)
        .at(-1)!.bytes;
      const read = ex.tryOpen(frame);
      // And it sends: a frame straight to m1 (Antigone's multicast channel, or a link it still has).
      const before = sim.byName('m1').delivered.length;
      sim.net.inject(ex.endpoint, sim.byName('m1').endpoint, ex.seal(te.encode('still here')));
      sim.run(50);
      const sent = sim.byName('m1').delivered.length > before;
      return {
        succeeded: read !== null || sent,
        outcome: `ex-member ${read !== null ? 'reads' : 'cannot read'} and ${sent ? 'is delivered' : 'is refused'}`,
        sims: [sim],
      };
    },
  },
  'heartbeat-replay-blocked-rekey': {
    against: 'antigone-published',
    flaw: 'Antigone: replayed leader heartbeats plus blocked rekeys keep a member on a compromised key; a crashed leader goes unnoticed',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed, heartbeat: 1000, deadAfter: 3500 });
      sim.run(2600);
      const m1 = sim.byName('m1');
      const recorded = sim.net.log
        .filter(
          (p) =>
            p.to === m1.endpoint &&
            [Ctl.leaderHeartbeat, Ctl.heartbeatAck].includes(decodeControl(p.bytes)?.type as 16),
        )
        .map((p) => p.bytes);
      sim.net.adversary = (p) =>
        p.from === sim.leader.endpoint && p.to === m1.endpoint ? 'drop' : 'pass';
      sim.leader.rekeyNow(); // blocked
      sim.net.crash(sim.leader.endpoint);
      let i = 0;
      const t = sim.scheduler.every(1000, () =>
        sim.net.inject(sim.leader.endpoint, m1.endpoint, recorded[i++ % recorded.length]!),
      );
      sim.run(10000);
      sim.scheduler.cancel(t);
      const fooled = !m1.leaderDead;
      return {
        succeeded: fooled,
        outcome: fooled
          ? `member still trusts a crashed leader, on epoch ${m1.epoch} of ${sim.leader.epoch}`
          : 'leader declared dead',
        sims: [sim],
      };
    },
  },
  'member-heartbeat-replay': {
    against: 'antigone-published',
    flaw: 'Antigone: member heartbeats without freshness — replays keep a crashed member in the group',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed, heartbeat: 1000, deadAfter: 3500 });
      sim.run(3600);
      const m2 = sim.byName('m2');
      const recorded = sim.net.log
        .filter((p) => p.from === m2.endpoint && decodeControl(p.bytes)?.type === Ctl.heartbeat)
        .map((p) => p.bytes);
      m2.close(); // crashed
      let i = 0;
      const t = sim.scheduler.every(1000, () =>
        sim.net.inject(m2.endpoint, sim.leader.endpoint, recorded[i++ % recorded.length]!),
      );
      sim.run(10000);
      sim.scheduler.cancel(t);
      const kept = sim.leader.idOf('m2') !== undefined;
      return {
        succeeded: kept,
        outcome: kept ? 'crashed member still counted alive' : 'crashed member removed',
        sims: [sim],
      };
    },
  },
  'unauthenticated-key-retransmit': {
    against: 'antigone-published',
    flaw: 'Antigone: the key-retransmit request "g, A" is unauthenticated — anybody makes the leader answer in A\'s name',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed });
      sim.run(500);
      sim.net.inject(
        9999,
        sim.leader.endpoint,
        clearControl(Ctl.keyRequest, sim.leader.group, id(sim, 'm1'), 0, 50, 1),
      );
      sim.run(100);
      const answered = sim.leader.stats.keyReplies > 0;
      return {
        succeeded: answered,
        outcome: answered ? 'leader answered a forged request' : 'forged request refused',
        sims: [sim],
      };
    },
  },
  'app-spoof-replay': {
    against: 'antigone-published',
    alsoAgainst: ['enclaves2-published'],
    flaw: "Antigone / Enclaves 2.0: application messages without origin authentication or replay protection — a member forges another's multicast, anyone replays",
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed });
      sim.run(500);
      const [m1, m2, m3] = ['m1', 'm2', 'm3'].map((n) => sim.byName(n)) as [Member, Member, Member];
      const forged = m2.seal(te.encode('I am m1'));
      new DataView(forged.buffer).setUint32(13, m1.id); // relabel: sender m1
      sim.net.send(m2.endpoint, sim.leader.endpoint, forged);
      sim.run(50);
      const spoofed = m3.delivered.some(
        (d) => d.sender === m1.id && td.decode(d.data) === 'I am m1',
      );
      sim.say(m1, 'pay 10');
      const relayed = sim.net.log
        .filter((p) => p.to === m3.endpoint && p.bytes[0]! >= 0x20)
        .at(-1)!.bytes;
      const n = m3.delivered.length;
      sim.net.inject(sim.leader.endpoint, m3.endpoint, relayed);
      sim.run(50);
      const replayed = m3.delivered.length > n;
      return {
        succeeded: spoofed || replayed,
        outcome: `spoof ${spoofed ? 'delivered' : 'refused'}, replay ${replayed ? 'delivered' : 'refused'}`,
        sims: [sim],
      };
    },
  },
  'gossip-replay': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: replayed gossip delivered again',
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed });
      sim.run(500);
      sim.byName('m1').sendGossip([id(sim, 'm3')], te.encode('psst'));
      sim.run(50);
      const m3 = sim.byName('m3');
      const fwd = packets(sim, Ctl.gossipForward, (p) => p.to === m3.endpoint)[0]!.bytes;
      const up = packets(sim, Ctl.gossip)[0]!.bytes;
      sim.net.inject(sim.leader.endpoint, m3.endpoint, fwd);
      sim.net.inject(sim.byName('m1').endpoint, sim.leader.endpoint, up);
      sim.run(50);
      return {
        succeeded: m3.gossip.length > 1,
        outcome: `gossip delivered ${m3.gossip.length} time(s)`,
        sims: [sim],
      };
    },
  },
  'forged-connection-denied': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: a forged connection_denied keeps a user out',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed, join: false });
      const m1 = sim.byName('m1');
      sim.net.adversary = (p) => {
        const m = decodeControl(p.bytes);
        if (m?.type === Ctl.hello && p.from === m1.endpoint)
          sim.net.inject(
            sim.leader.endpoint,
            m1.endpoint,
            clearControl(Ctl.denied, new Uint8Array(8), 0, 0xffffffff, m.exchange, 2),
          );
        return 'pass';
      };
      m1.join();
      sim.run(500);
      return { succeeded: m1.state === 'denied', outcome: `member ${m1.state}`, sims: [sim] };
    },
  },
  'mem-added-replay': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: mem_added replayed — a member believes a departed member is back',
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed });
      sim.run(500);
      const m1 = sim.byName('m1');
      const old = packets(sim, Ctl.members, (p) => p.to === m1.endpoint).at(-1)!.bytes;
      const m3id = id(sim, 'm3');
      sim.byName('m3').leave();
      sim.run(200);
      sim.net.inject(sim.leader.endpoint, m1.endpoint, old);
      sim.run(50);
      const fooled = m1.view.has(m3id);
      return {
        succeeded: fooled,
        outcome: fooled ? 'departed member listed again' : 'old membership refused',
        sims: [sim],
      };
    },
  },
  'new-key-replay': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: an old new_key replayed — the member goes back to an old group key',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed });
      sim.run(500);
      const m1 = sim.byName('m1');
      sim.leader.rekeyNow();
      sim.run(50);
      const old = packets(sim, Ctl.rekey, (p) => p.to === m1.endpoint).at(-1)!.bytes;
      sim.leader.rekeyNow();
      sim.run(50);
      const now = m1.epoch;
      sim.net.inject(sim.leader.endpoint, m1.endpoint, old);
      sim.run(50);
      return {
        succeeded: m1.epoch < now,
        outcome: `member on epoch ${m1.epoch} (leader ${sim.leader.epoch})`,
        sims: [sim],
      };
    },
  },
  'forged-req-close': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: a forged req_close removes a member',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed });
      sim.run(500);
      sim.net.inject(
        9999,
        sim.leader.endpoint,
        clearControl(Ctl.leave, sim.leader.group, id(sim, 'm1'), 0, 77, 1),
      );
      sim.run(100);
      const removed = sim.leader.idOf('m1') === undefined;
      return {
        succeeded: removed,
        outcome: removed ? 'member removed by a forgery' : 'forged req_close refused',
        sims: [sim],
      };
    },
  },
  'forged-close-connection': {
    against: 'enclaves2-published',
    flaw: 'Enclaves 2.0: a forged close_connection convinces a member it was expelled',
    run(preset, seed) {
      const sim = new GroupSim({ members: 2, preset, seed });
      sim.run(500);
      const m1 = sim.byName('m1');
      sim.net.inject(
        sim.leader.endpoint,
        m1.endpoint,
        clearControl(Ctl.close, sim.leader.group, 0, m1.id, 1000, 0),
      );
      sim.run(50);
      return { succeeded: m1.state === 'expelled', outcome: `member ${m1.state}`, sims: [sim] };
    },
  },
  'new-member-reads-past': {
    against: 'enclaves2-published',
    alsoAgainst: ['antigone-published'],
    flaw: 'Backward secrecy: a new member decrypts traffic from before its join',
    run(preset, seed) {
      const sim = new GroupSim({ members: 3, preset, seed, join: false });
      const [m1, m2, m3] = sim.members as [Member, Member, Member];
      m1.join();
      m2.join();
      sim.run(500);
      m1.send(te.encode('before m3'));
      sim.run(50);
      const frame = sim.net.log
        .filter((p) => p.from === m1.endpoint && p.bytes[0]! >= 0x20)
        .at(-1)!.bytes;
      m3.join();
      sim.run(500);
      const read = m3.tryOpen(frame);
      return {
        succeeded: read !== null,
        outcome:
          read !== null ? `newcomer read "${td.decode(read)}"` : 'newcomer cannot read the past',
        sims: [sim],
      };
    },
  },
} satisfies Record<string, Attack>;

export type AttackName = keyof typeof attacks;
export const attackNames = Object.keys(attacks) as AttackName[];

/** Run one attack against one preset. */
export function runAttack(name: AttackName, preset: PresetName, seed = 1): AttackResult {
  const a: Attack = attacks[name];
  const { succeeded, outcome, sims } = a.run(preset, seed);
  const refusals: Record<string, number> = {};
  const alerts: Record<string, number> = {};
  for (const sim of sims) {
    for (const r of [sim.leader.refusals, ...sim.members.map((m) => m.refusals)])
      for (const [k, v] of r.counts) refusals[k] = (refusals[k] ?? 0) + v;
    for (const al of [...sim.leader.alerts, ...sim.members.flatMap((m) => m.alerts)])
      alerts[al.reason] = (alerts[al.reason] ?? 0) + 1;
    sim.close();
  }
  return { attack: name, preset, seed, succeeded, outcome, refusals, alerts };
}
