/** Share recovery, resharing to a new committee, joint randomness and joint secrets. */
import { nobleGroup } from '@conduits/crypto';
import type { KeyShare } from '@conduits/proactive';
import { GivenSecret, JointRandom, Recovery, Reshare } from '@conduits/proactive';
import type {
  ContributionMessage,
  DealingMessage,
  DealMessage,
  RevealMessage,
} from '@conduits/proactive/codec';
import { runLocally, seededRandom } from '@conduits/proactive/testing';
import { dkg, interpolate, range } from './helpers.js';

const g = nobleGroup('ed25519');

function recover(
  keys: KeyShare[],
  target: number,
  seed: string,
  intercept?: (f: {
    from: number;
    to: number;
    msg: DealingMessage | ContributionMessage;
  }) => DealingMessage | ContributionMessage | null,
) {
  const pub = keys.find((k) => k.index !== target)!;
  const helpers = keys.map((k) => k.index).filter((i) => i !== target);
  const parties = keys.map(
    (k) =>
      new Recovery({
        group: g,
        self: k.index,
        target,
        helpers,
        share: k.index === target ? undefined : k,
        servers: pub.servers,
        threshold: pub.threshold,
        commitments: pub.commitments,
        period: pub.period,
        random: seededRandom(`${seed}/${k.index}`),
      }),
  );
  runLocally<DealingMessage | ContributionMessage, unknown>(parties as never, { intercept });
  return parties;
}

describe('share recovery', () => {
  test('a server that lost its share gets exactly it back; helpers keep theirs', () => {
    const keys = dkg(5, 2, 'rec');
    const lost = keys[2]!.secret.clone();
    keys[2]!.destroy();
    const parties = recover(keys, 3, 'rec-run');
    const { share, liars } = parties[2]!.result();
    expect(liars).toEqual([]);
    expect(share!.secret.equals(lost)).toBe(true);
    expect(share!.verify()).toBe(true);
    expect(parties[0]!.result().share).toBeNull();
    expect(keys.filter((k) => k.index !== 3).every((k) => k.verify())).toBe(true);
  });

  test('the contributions reveal nothing but the target share: t+1 of them interpolated anywhere else miss the real shares', () => {
    const keys = dkg(5, 2, 'rec-priv');
    const seen: ContributionMessage[] = [];
    recover(keys, 5, 'rec-priv-run', (f) => {
      if (f.msg.kind === 'contribution') seen.push(f.msg);
      return f.msg;
    });
    expect(seen.length).toBe(4);
    // Interpolating the blinded values at server 1's index does not give server 1's share.
    const pts = seen.slice(0, 3).map((c) => ({ index: c.from, secret: g.secretScalar(c.value) }));
    const idx = pts.map((p) => p.index);
    const F = g.scalars;
    const at1 = pts.reduce((acc, p) => {
      const l = idx.reduce(
        (num, j) =>
          j === p.index
            ? num
            : F.mul(num, F.mul(F.sub(1n, BigInt(j)), F.inv(F.sub(BigInt(p.index), BigInt(j))))),
        1n,
      );
      const term = p.secret.times(l);
      const next = acc.plus(term);
      term.destroy();
      acc.destroy();
      return next;
    }, g.secretFromValue(0n));
    expect(at1.publicPoint().equals(keys[0]!.verificationPoint(1))).toBe(false);
  });

  test('a lying helper is detected and named; recovery completes with the honest ones', () => {
    const keys = dkg(6, 2, 'rec-liar');
    const parties = recover(keys, 1, 'rec-liar-run', (f) =>
      f.msg.kind === 'contribution' && f.from === 2
        ? { ...f.msg, value: new Uint8Array(32).fill(3) }
        : f.msg,
    );
    const { share, liars } = parties[0]!.result();
    expect(liars).toEqual([2]);
    expect(share!.verify()).toBe(true);
  });

  test('a blinding polynomial that is not zero at the target is refused publicly, its dealer named', () => {
    const keys = dkg(5, 2, 'rec-blind');
    const parties = recover(keys, 4, 'rec-blind-run', (f) => {
      if (f.msg.kind === 'deal' && f.from === 5)
        return {
          ...(f.msg as DealMessage),
          commitments: (f.msg as DealMessage).commitments.map(() => g.base(11n).toBytes()),
        };
      return f.msg;
    });
    for (const p of parties.filter((p) => p.self !== 5))
      expect(p.disqualified.get(5)).toBe('blinding-not-zero-at-target');
    expect(parties[3]!.result().share!.verify()).toBe(true);
  });
});

describe('resharing to a new committee', () => {
  test('(n=4, t=1) → (n=6, t=2) with server 2 retired and 5, 6, 7 added: same key, old shares wiped, new t+1 reconstruct', () => {
    const keys = dkg(4, 1, 'reshare');
    const pk = keys[0]!.publicKey;
    const old = keys[0]!;
    const newServers = [1, 3, 4, 5, 6, 7];
    const everyone = [...new Set([...old.servers, ...newServers])];
    const parties = everyone.map(
      (self) =>
        new Reshare({
          group: g,
          self,
          dealers: old.servers,
          share: keys.find((k) => k.index === self),
          oldThreshold: 1,
          oldCommitments: old.commitments,
          oldPeriod: 0,
          newServers,
          newThreshold: 2,
          random: seededRandom(`reshare/${self}`),
        }),
    );
    runLocally(parties);
    const results = new Map(parties.map((p) => [p.self, p.result()]));
    expect(results.get(2)).toBeNull();
    const fresh = newServers.map((i) => results.get(i)!);
    for (const k of fresh) {
      expect(k.verify()).toBe(true);
      expect(k.publicKey.equals(pk)).toBe(true);
      expect(k.threshold).toBe(2);
      expect(k.period).toBe(1);
    }
    expect(keys.every((k) => k.destroyed)).toBe(true);
    expect(
      interpolate(
        g,
        fresh.slice(2, 5).map((k) => ({ index: k.index, secret: k.secret })),
      )
        .publicPoint()
        .equals(pk),
    ).toBe(true);
    expect(
      interpolate(
        g,
        fresh.slice(0, 2).map((k) => ({ index: k.index, secret: k.secret })),
      )
        .publicPoint()
        .equals(pk),
    ).toBe(false);
  });

  test('an old server dealing something other than its share is named and excluded', () => {
    const keys = dkg(4, 1, 'reshare-bad');
    const old = keys[0]!;
    const newServers = [1, 2, 3];
    const parties = [1, 2, 3, 4].map(
      (self) =>
        new Reshare({
          group: g,
          self,
          dealers: old.servers,
          share: keys[self - 1],
          oldThreshold: 1,
          oldCommitments: old.commitments,
          oldPeriod: 0,
          newServers,
          newThreshold: 1,
          random: seededRandom(`rb/${self}`),
        }),
    );
    runLocally<DealingMessage, unknown>(parties as never, {
      intercept: (f) =>
        f.msg.kind === 'deal' && f.from === 4
          ? {
              ...(f.msg as DealMessage),
              commitments: [g.base(5n).toBytes(), ...(f.msg as DealMessage).commitments.slice(1)],
            }
          : f.msg,
    });
    for (const p of parties.slice(0, 3)) {
      expect(p.disqualified.get(4)).toBe('reshare-constant-not-share');
      expect(p.result()!.publicKey.equals(old.publicKey)).toBe(true);
    }
  });
});

describe('joint randomness and joint secrets', () => {
  test('all servers agree on the value; it changes with any contribution', () => {
    const run = (seed: string) => {
      const parties = range(5).map(
        (self) =>
          new JointRandom({
            group: g,
            self,
            servers: range(5),
            threshold: 2,
            period: 0,
            random: seededRandom(`${seed}/${self}`),
          }),
      );
      runLocally(parties);
      return parties.map((p) => Buffer.from(p.result().value).toString('hex'));
    };
    const a = run('jr');
    expect(new Set(a).size).toBe(1);
    expect(run('jr2')[0]).not.toBe(a[0]);
  });

  test('no last-mover bias: a server that withholds its reveal does not change the output (its value is reconstructed)', () => {
    const make = () =>
      range(5).map(
        (self) =>
          new JointRandom({
            group: g,
            self,
            servers: range(5),
            threshold: 2,
            period: 0,
            random: seededRandom(`bias/${self}`),
          }),
      );
    const honest = make();
    runLocally(honest);
    const expected = Buffer.from(honest[0]!.result().value).toString('hex');
    const parties = make();
    runLocally<DealingMessage | RevealMessage, unknown>(parties as never, {
      // Server 5 sees everyone's round-4 reveal and keeps its own back.
      intercept: (f) =>
        f.msg.kind === 'reveal' && f.msg.round === 4 && f.from === 5
          ? { ...f.msg, values: [] }
          : f.msg,
    });
    for (const p of parties.slice(0, 4)) {
      expect(Buffer.from(p.result().value).toString('hex')).toBe(expected);
      expect(p.result().reconstructed).toEqual([5]);
    }
  });

  test('a given secret is shared by VSS: t+1 shares give it back; an inconsistent dealer is disqualified', () => {
    const value = g.randomScalar(seededRandom('given'));
    const parties = range(4).map(
      (self) =>
        new GivenSecret({
          group: g,
          self,
          servers: range(4),
          threshold: 1,
          period: 0,
          dealer: 1,
          value: self === 1 ? value : undefined,
          random: seededRandom(`gs/${self}`),
        }),
    );
    runLocally(parties);
    const shares = parties.map((p) => p.result());
    expect(
      interpolate(
        g,
        shares.slice(1, 3).map((k) => ({ index: k.index, secret: k.secret })),
      ).equals(value),
    ).toBe(true);
    const cheat = range(4).map(
      (self) =>
        new GivenSecret({
          group: g,
          self,
          servers: range(4),
          threshold: 1,
          period: 0,
          dealer: 1,
          value: self === 1 ? value : undefined,
          random: seededRandom(`gs2/${self}`),
        }),
    );
    runLocally<DealingMessage, unknown>(cheat as never, {
      // The dealer sends server 3 a bad share and stands by it (to everyone) when 3 complains.
      intercept: (f) => {
        if (f.from !== 1) return f.msg;
        if (f.msg.kind === 'share' && f.to === 3)
          return { ...f.msg, share: new Uint8Array(32).fill(1) };
        if (f.msg.kind === 'answer')
          return {
            ...f.msg,
            reveals: f.msg.reveals.map((r) => ({ ...r, share: new Uint8Array(32).fill(1) })),
          };
        return f.msg;
      },
    });
    expect(cheat[1]!.disqualified.get(1)).toBe('share-does-not-match-commitments');
    expect(() => cheat[1]!.result()).toThrow(
      expect.objectContaining({ name: 'NotEnoughPartiesError' }),
    );
  });
});
