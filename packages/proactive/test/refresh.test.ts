/**
 * Proactive refresh: shares of zero each period; the key and earlier signatures survive; a
 * mobile adversary's shares from two periods do not combine; a wrong contribution is named
 * and excluded; a replayed message of an earlier period is refused.
 */
import { nobleGroup } from '@conduits/crypto';
import type { KeyShare } from '@conduits/proactive';
import { Refresh } from '@conduits/proactive';
import type { DealingMessage, DealMessage } from '@conduits/proactive/codec';
import { runLocally, seededRandom, type Flight } from '@conduits/proactive/testing';
import { dkg, interpolate } from './helpers.js';

const g = nobleGroup('ed25519');

function refresh(
  keys: KeyShare[],
  seed: string,
  intercept?: (f: Flight<DealingMessage>) => DealingMessage | null,
) {
  const parties = keys.map(
    (k) => new Refresh({ share: k, random: seededRandom(`${seed}/${k.index}`) }),
  );
  const run = runLocally<DealingMessage, KeyShare>(parties, { intercept });
  return { parties, run };
}

describe('proactive refresh', () => {
  test('n=7, t=3: new shares verify against the unchanged key; old shares are wiped; the period advances', () => {
    const keys = dkg(7, 3, 'r1');
    const pk = keys[0]!.publicKey;
    const { parties } = refresh(keys, 'p1');
    const next = parties.map((p) => p.result());
    for (const k of next) {
      expect(k.verify()).toBe(true);
      expect(k.publicKey.equals(pk)).toBe(true);
      expect(k.period).toBe(1);
    }
    for (const k of keys) expect(k.destroyed).toBe(true);
    // Shares changed, commitments beyond A_0 changed.
    expect(next[0]!.commitments[1]!.equals(keys[0]!.commitments[1]!)).toBe(false);
    // t+1 new shares still give the same secret.
    const s = interpolate(
      g,
      next.slice(0, 4).map((k) => ({ index: k.index, secret: k.secret })),
    );
    expect(s.publicPoint().equals(pk)).toBe(true);
  });

  test('mobile adversary: t shares of period 0 plus t different shares of period 1 reconstruct nothing', () => {
    const n = 7;
    const t = 3;
    const keys = dkg(n, t, 'mobile');
    const pk = keys[0]!.publicKey;
    // Period 0: the adversary copies servers 1..3.
    const stolen0 = keys.slice(0, t).map((k) => ({ index: k.index, secret: k.secret.clone() }));
    const next = refresh(keys, 'mobile-p1').parties.map((p) => p.result());
    // Period 1: it copies servers 4..6.
    const stolen1 = next.slice(t, 2 * t).map((k) => ({ index: k.index, secret: k.secret.clone() }));
    // Every choice of t+1 of its 2t shares (mixing periods) misses the key.
    const all = [...stolen0, ...stolen1];
    let tried = 0;
    const choose = (from: number, picked: typeof all) => {
      if (picked.length === t + 1) {
        const periods = new Set(picked.map((p) => (stolen0.includes(p) ? 0 : 1)));
        if (periods.size === 2) {
          tried++;
          expect(interpolate(g, picked).publicPoint().equals(pk)).toBe(false);
        }
        return;
      }
      for (let i = from; i < all.length; i++) choose(i + 1, [...picked, all[i]!]);
    };
    choose(0, []);
    // C(6,4) = 15 sets of t+1 out of the 2t stolen shares, every one mixing the periods.
    expect(tried).toBe(15);
  });

  test('a refresh contribution that would move the key (constant ≠ 0) is refused, its dealer named and excluded', () => {
    const keys = dkg(5, 2, 'wrong');
    const pk = keys[0]!.publicKey;
    const { parties } = refresh(keys, 'wrong-p1', (f) => {
      // Server 2 replaces its C_0 (the identity) by G·1: a contribution of 1 to the key.
      if (f.from === 2 && f.msg.kind === 'deal')
        return {
          ...(f.msg as DealMessage),
          commitments: [g.generator.toBytes(), ...(f.msg as DealMessage).commitments.slice(1)],
        };
      return f.msg;
    });
    for (const p of parties.filter((p) => p.self !== 2)) {
      expect(p.disqualified.get(2)).toBe('refresh-constant-not-zero');
      const k = p.result();
      expect(k.verify()).toBe(true);
      expect(k.publicKey.equals(pk)).toBe(true);
    }
  });

  test('a refresh share that does not match its commitments: complaint upheld, dealer named and excluded', () => {
    const keys = dkg(5, 2, 'wrong-share');
    const bad = new Uint8Array(32).fill(9);
    const { parties } = refresh(keys, 'ws-p1', (f) => {
      if (f.from === 4 && f.msg.kind === 'share' && f.to === 1) return { ...f.msg, share: bad };
      if (f.from === 4 && f.msg.kind === 'answer')
        return { ...f.msg, reveals: f.msg.reveals.map((r) => ({ ...r, share: bad })) };
      return f.msg;
    });
    for (const p of parties.filter((p) => p.self !== 4)) {
      expect(p.disqualified.get(4)).toBe('share-does-not-match-commitments');
      expect(p.result().verify()).toBe(true);
    }
  });

  test('a replayed round message from an earlier period is refused', () => {
    const keys = dkg(4, 1, 'replay');
    const recorded: DealingMessage[] = [];
    const first = refresh(keys, 'replay-p1', (f) => {
      if (f.from === 2 && f.to === 1) recorded.push(f.msg);
      return f.msg;
    }).parties.map((p) => p.result());
    // Period 2: server 1 is fed server 2's period-1 messages.
    const second = first.map(
      (k) => new Refresh({ share: k, random: seededRandom(`replay-p2/${k.index}`) }),
    );
    const s1 = second[0]!;
    s1.start();
    const reasons = recorded
      .filter((m) => m.kind === 'deal' || (m.kind === 'share' && m.to === 1))
      .map((m) => s1.receive(m));
    expect(reasons).toEqual(['stale-period', 'stale-period']);
    expect(recorded.every((m) => m.period === 1)).toBe(true);
  });

  test('the key and signatures made before a refresh stay valid for ever (several periods)', () => {
    let keys = dkg(4, 1, 'chain');
    const pk = keys[0]!.publicKey;
    for (let period = 1; period <= 3; period++) {
      keys = refresh(keys, `chain-p${period}`).parties.map((p) => p.result());
      expect(keys.every((k) => k.period === period && k.verify() && k.publicKey.equals(pk))).toBe(
        true,
      );
    }
  });
});
