/** The n-party channel: frames bound to sender, group, epoch and seq; the leader's fan-out; insider spoofing, replay and reflection refused. */
import { Scheduler } from '@conduits/core';
import { nobleEngine as engine } from '@conduits/crypto';
import {
  boundChannel,
  GroupChannel,
  linkKeys,
  publishedChannel,
  Refusals,
  Relay,
  ReplayWindow,
  type ChannelPolicy,
} from '@conduits/group';

const te = new TextEncoder();
const td = new TextDecoder();
const group = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

function setup(policy: ChannelPolicy) {
  const scheduler = new Scheduler();
  const inbox = new Map<number, Uint8Array[]>();
  const alerts: string[] = [];
  const relay = new Relay(
    scheduler,
    group,
    policy,
    (m, f) => void inbox.get(m)?.push(f),
    new Refusals((r) => alerts.push(`leader:${r}`)),
  );
  relay.epoch = 1;
  const gk = engine.randomBytes(32);
  const members = new Map<number, { ch: GroupChannel; ka: Uint8Array }>();
  for (const id of [1, 2, 3]) {
    const ka = engine.randomBytes(32);
    const ch = new GroupChannel(
      engine,
      group,
      id,
      policy,
      new Refusals((r) => alerts.push(`${id}:${r}`)),
    );
    const mine = linkKeys(engine, ka, group);
    const leaders = linkKeys(engine, ka, group);
    ch.setLinkKeys(mine.up, mine.down);
    ch.keys.install(1, gk);
    relay.add(id, leaders.up, leaders.down);
    inbox.set(id, []);
    members.set(id, { ch, ka });
  }
  const ch = (id: number) => members.get(id)!.ch;
  const take = (id: number) => inbox.get(id)!.splice(0);
  const send = (from: number, frame: Uint8Array) => {
    const ok = relay.accept(from, frame);
    scheduler.run();
    return ok;
  };
  return { relay, ch, take, send, alerts, members, gk };
}

describe('bound channel (repaired)', () => {
  test('a frame reaches every other member, once, and names its sender and sequence number', () => {
    const s = setup(boundChannel);
    expect(s.send(1, s.ch(1).seal(te.encode('hello')))).toBe(true);
    expect(s.take(1)).toHaveLength(0); // never reflected to its sender
    for (const id of [2, 3]) {
      const [f] = s.take(id);
      const d = s.ch(id).open(f!)!;
      expect([d.sender, d.seq, d.epoch, td.decode(d.data)]).toEqual([1, 0, 1, 'hello']);
    }
    expect(s.relay.fanOut.stats.copies).toBe(2);
  });

  test('insider spoofing: member 2 seals a frame claiming member 1 is refused at the leader (sender-mismatch, alert)', () => {
    const s = setup(boundChannel);
    // Member 2 knows the group key and its own link key: it builds a valid-looking frame as "1".
    const forger = new GroupChannel(engine, group, 1, boundChannel);
    const k2 = linkKeys(engine, s.members.get(2)!.ka, group);
    forger.setLinkKeys(k2.up, k2.down);
    forger.keys.install(1, s.gk);
    expect(s.send(2, forger.seal(te.encode('I am 1')))).toBe(false);
    expect(s.relay.refusals.get('sender-mismatch')).toBe(1);
    expect(s.alerts).toContain('leader:sender-mismatch');
    expect(s.take(3)).toHaveLength(0);
  });

  test('insider spoofing around the leader: member 2 sends member 3 a frame as if relayed: hop-tag-invalid', () => {
    const s = setup(boundChannel);
    const forger = new GroupChannel(engine, group, 1, boundChannel);
    const k2 = linkKeys(engine, s.members.get(2)!.ka, group);
    forger.setLinkKeys(k2.down, k2.up); // the only down-direction key member 2 has is its own
    forger.keys.install(1, s.gk);
    expect(s.ch(3).open(forger.seal(te.encode('I am 1')))).toBeNull();
    expect(s.ch(3).refusals.get('hop-tag-invalid')).toBe(1);
    expect(s.alerts).toContain('3:hop-tag-invalid');
  });

  test('replay: a relayed frame delivered twice is refused by the member; an up frame sent twice by the leader', () => {
    const s = setup(boundChannel);
    const up = s.ch(1).seal(te.encode('once'));
    s.send(1, up);
    const [f] = s.take(2);
    expect(s.ch(2).open(f!)).not.toBeNull();
    expect(s.ch(2).open(f!)).toBeNull();
    expect(s.ch(2).refusals.get('replay')).toBe(1);
    expect(s.send(1, up)).toBe(false);
    expect(s.relay.refusals.get('replay')).toBe(1);
    expect(s.alerts).toEqual(expect.arrayContaining(['2:replay', 'leader:replay']));
  });

  test("reflection: a member's own frame sent back to it is refused (other direction's key; own sender id)", () => {
    const s = setup(boundChannel);
    const up = s.ch(1).seal(te.encode('mine'));
    expect(s.ch(1).open(up)).toBeNull();
    expect(s.ch(1).refusals.get('hop-tag-invalid')).toBe(1);
    // Even tagged for member 1's down link (a leader that reflected it), its own id is refused.
    const k1 = linkKeys(engine, s.members.get(1)!.ka, group);
    const body = up.subarray(0, up.length - 16);
    const reflected = new Uint8Array([...body, ...k1.down.compute(body)]);
    expect(s.ch(1).open(reflected)).toBeNull();
    expect(s.ch(1).refusals.get('reflected')).toBe(1);
  });

  test('the header is authenticated data: another seq, epoch or sender under the same ciphertext fails the AEAD', () => {
    const noHop: ChannelPolicy = { bound: true, replay: true, hop: false };
    const a = new GroupChannel(engine, group, 1, noHop);
    const b = new GroupChannel(engine, group, 2, noHop);
    const gk = engine.randomBytes(32);
    a.keys.install(1, gk);
    b.keys.install(1, gk);
    const frame = a.seal(te.encode('bound'));
    for (const at of [13 + 3 /* sender */, 17 + 7 /* seq */]) {
      const bad = Uint8Array.from(frame);
      bad[at]! ^= 2;
      expect(b.open(bad)).toBeNull();
    }
    expect(b.refusals.get('aead-failed')).toBe(2);
    expect(td.decode(b.open(frame)!.data)).toBe('bound');
  });

  test('a frame of an epoch no longer held is refused (stale-epoch)', () => {
    const s = setup(boundChannel);
    const old = s.ch(1).seal(te.encode('old'));
    for (const e of [2, 3])
      for (const id of [1, 2, 3]) s.ch(id).keys.install(e, engine.randomBytes(32));
    s.relay.epoch = 3;
    expect(s.send(1, old)).toBe(false);
    expect(s.relay.refusals.get('stale-epoch')).toBe(1);
  });
});

describe('published channel (Antigone/Enclaves 2.0 application messages)', () => {
  test('the same spoofing and replay go through: the sender label is not bound, nothing counts', () => {
    const s = setup(publishedChannel);
    const frame = s.ch(2).seal(te.encode('I am 1'));
    frame[16] = 1; // relabel sender 2 as sender 1
    expect(s.send(2, frame)).toBe(true);
    const [f] = s.take(3);
    const d = s.ch(3).open(f!)!;
    expect(d.sender).toBe(1);
    expect(s.ch(3).open(f!)?.sender).toBe(1); // replayed: delivered again
    expect(s.alerts).toEqual([]);
  });
});

describe('replay window', () => {
  test('fresh once, replay, too old, and out-of-order within the window', () => {
    const w = new ReplayWindow(8);
    for (const s of [0, 2, 1, 10]) {
      expect(w.check(s)).toBe('fresh');
      w.mark(s);
    }
    expect(w.check(1)).toBe('too-old');
    expect(w.check(10)).toBe('replay');
    expect(w.check(5)).toBe('fresh');
    w.mark(5);
    expect(w.check(5)).toBe('replay');
    expect(w.check(9)).toBe('fresh');
  });
});
