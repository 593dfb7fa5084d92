/** Distributed key generation: agreement, threshold, and a dealer whose shares do not match its commitments. */
import { nobleGroup } from '@conduits/crypto';
import { Dkg } from '@conduits/proactive';
import type { DealMessage, DealingMessage, ShareMessage } from '@conduits/proactive/codec';
import { runLocally, seededRandom } from '@conduits/proactive/testing';
import { dkg, interpolate, range } from './helpers.js';

const g = nobleGroup('ed25519');

describe('DKG', () => {
  test('n=5, t=2: every server ends with the same key; any t+1 shares give its secret, t do not', () => {
    const keys = dkg(5, 2);
    const pk = keys[0]!.publicKey;
    for (const k of keys) {
      expect(k.publicKey.equals(pk)).toBe(true);
      expect(k.verify()).toBe(true);
      expect(k.period).toBe(0);
    }
    const three = interpolate(
      g,
      [keys[0]!, keys[2]!, keys[4]!].map((k) => ({ index: k.index, secret: k.secret })),
    );
    expect(three.publicPoint().equals(pk)).toBe(true);
    const other = interpolate(
      g,
      [keys[1]!, keys[3]!, keys[4]!].map((k) => ({ index: k.index, secret: k.secret })),
    );
    expect(other.equals(three)).toBe(true);
    const two = interpolate(
      g,
      [keys[0]!, keys[1]!].map((k) => ({ index: k.index, secret: k.secret })),
    );
    expect(two.publicPoint().equals(pk)).toBe(false);
  });

  test.each(['ristretto255', 'p256'] as const)('works over %s too', (name) => {
    const keys = dkg(4, 1, 'other', name);
    expect(keys.every((k) => k.verify() && k.publicKey.equals(keys[0]!.publicKey))).toBe(true);
  });

  test('seeded runs are deterministic', () => {
    expect(dkg(4, 1, 'same')[0]!.publicKey.toBytes()).toEqual(
      dkg(4, 1, 'same')[0]!.publicKey.toBytes(),
    );
  });

  test('a dealer sending a share that does not match its commitments (and standing by it) is disqualified by everyone', () => {
    const servers = range(5);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 2, random: seededRandom(`bad/${self}`) }),
    );
    const bogus = new Uint8Array(32).fill(7);
    const run = runLocally<DealingMessage, unknown>(parties as never, {
      intercept: (f) => {
        // Dealer 3 gives server 1 garbage, and repeats it when answering the complaint.
        if (f.from === 3 && f.msg.kind === 'share' && f.to === 1)
          return { ...(f.msg as ShareMessage), share: bogus };
        if (f.from === 3 && f.msg.kind === 'answer')
          return { ...f.msg, reveals: f.msg.reveals.map((r) => ({ ...r, share: bogus })) };
        return f.msg;
      },
    });
    expect(run.refusals).toEqual([]);
    const honest = parties.filter((p) => p.self !== 3);
    for (const p of honest) expect(p.disqualified.get(3)).toBe('share-does-not-match-commitments');
    const keys = honest.map((p) => p.result());
    expect(keys.every((k) => k.verify() && k.publicKey.equals(keys[0]!.publicKey))).toBe(true);
  });

  test('a dealer that answers a complaint with the right share stays; the complainer gets it', () => {
    const servers = range(4);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 1, random: seededRandom(`fixed/${self}`) }),
    );
    runLocally<DealingMessage, unknown>(parties as never, {
      intercept: (f) => (f.from === 2 && f.msg.kind === 'share' && f.to === 4 ? null : f.msg),
    });
    for (const p of parties) expect(p.disqualified.size).toBe(0);
    const keys = parties.map((p) => p.result());
    expect(keys.every((k) => k.verify() && k.publicKey.equals(keys[0]!.publicKey))).toBe(true);
  });

  test('a dealer that never answers a complaint is disqualified; one that sends nothing is too', () => {
    const servers = range(5);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 2, random: seededRandom(`mute/${self}`) }),
    );
    runLocally<DealingMessage, unknown>(parties as never, {
      intercept: (f) =>
        (f.from === 2 && f.msg.kind === 'share' && f.to === 4) ||
        (f.from === 2 && f.msg.kind === 'answer')
          ? null
          : f.msg,
      silent: [5],
    });
    for (const p of [parties[0]!, parties[2]!, parties[3]!]) {
      expect(p.disqualified.get(2)).toBe('no-answer-to-complaint');
      expect(p.disqualified.get(5)).toBe('no-deal');
    }
    const keys = [parties[0]!, parties[2]!, parties[3]!].map((p) => p.result());
    expect(keys.every((k) => k.verify() && k.publicKey.equals(keys[0]!.publicKey))).toBe(true);
  });

  test('a deal whose proof of knowledge is wrong (a copied C_0) is disqualified', () => {
    const servers = range(4);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 1, random: seededRandom(`pok/${self}`) }),
    );
    let copied: DealMessage | null = null;
    runLocally<DealingMessage, unknown>(parties as never, {
      intercept: (f) => {
        if (f.msg.kind !== 'deal') return f.msg;
        if (f.from === 1) copied = f.msg;
        // Server 4 replays server 1's commitments and proof as its own.
        if (f.from === 4 && copied !== null) return { ...copied, from: 4 };
        return f.msg;
      },
    });
    for (const p of parties.slice(0, 3))
      expect(p.disqualified.get(4)).toBe('bad-proof-of-knowledge');
  });

  test('more than t bad dealers leave too few: NotEnoughPartiesError, typed', () => {
    const servers = range(3);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 1, random: seededRandom(`few/${self}`) }),
    );
    runLocally(parties, { silent: [2, 3] });
    expect(() => parties[0]!.result()).toThrow(
      expect.objectContaining({ name: 'NotEnoughPartiesError' }),
    );
  });
});
