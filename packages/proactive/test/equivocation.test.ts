/**
 * An equivocating dealer: it signs two different deals (commitments, proof of knowledge and
 * matching shares) and shows one to some servers and the other to the rest. Each deal is
 * consistent on its own, so no share check fails and no one complains; only comparing what the
 * servers saw catches it. Every participant echoes a hash of each deal it received in round 2;
 * differing echoes disqualify the dealer (`equivocation`) at every honest server alike.
 */
import { engines, nobleGroup } from '@conduits/crypto';
import {
  Dkg,
  SimulatedServers,
  type KeyShare,
  type Outgoing,
  type RoundMessage,
  type RoundProtocol,
  type RunOutcome,
} from '@conduits/proactive';
import { type DealingMessage } from '@conduits/proactive/codec';
import { runLocally, seededRandom } from '@conduits/proactive/testing';
import { range } from './helpers.js';

const g = nobleGroup('ed25519');

/** Server `self` dealing deal A to `left` and deal B to everyone else; it goes on as A. */
class EquivocatingDkg implements RoundProtocol<RoundMessage, KeyShare> {
  readonly #a: Dkg;
  readonly #b: Dkg;
  constructor(
    readonly self: number,
    servers: number[],
    readonly left: readonly number[],
  ) {
    this.#a = new Dkg({
      group: g,
      self,
      servers,
      threshold: 1,
      random: seededRandom(`equivocate-a/${self}`),
    });
    this.#b = new Dkg({
      group: g,
      self,
      servers,
      threshold: 1,
      random: seededRandom(`equivocate-b/${self}`),
    });
    this.servers = servers;
  }
  readonly servers: number[];
  get round() {
    return this.#a.round;
  }
  get finished() {
    return this.#a.finished;
  }
  get destroyed() {
    return this.#a.destroyed;
  }
  start(): Outgoing<RoundMessage>[] {
    const a = this.#a.start() as Outgoing<DealingMessage>[];
    const b = this.#b.start() as Outgoing<DealingMessage>[];
    const out: Outgoing<RoundMessage>[] = [];
    for (const to of this.servers.filter((i) => i !== this.self)) {
      const mine = this.left.includes(to) ? a : b;
      for (const o of mine) if (o.to === undefined || o.to === to) out.push({ to, msg: o.msg });
    }
    return out;
  }
  receive(m: RoundMessage) {
    return this.#a.receive(m as DealingMessage);
  }
  roundComplete() {
    return this.#a.roundComplete();
  }
  advance() {
    return this.#a.advance();
  }
  result() {
    return this.#a.result();
  }
  destroy() {
    this.#a.destroy();
    this.#b.destroy();
  }
}

describe('an equivocating dealer is caught by the echo of deal hashes', () => {
  test('in one process: all honest servers disqualify it (equivocation) and share one key', () => {
    const servers = range(5);
    const honest = servers
      .filter((i) => i !== 2)
      .map(
        (self) =>
          new Dkg({
            group: g,
            self,
            servers,
            threshold: 1,
            random: seededRandom(`equivocate/${self}`),
          }),
      );
    const evil = new EquivocatingDkg(2, servers, [1, 3]);
    runLocally<RoundMessage, KeyShare>([...honest, evil]);
    const keys = honest.map((p) => p.result());
    expect(new Set(keys.map((k) => Buffer.from(k.publicKey.toBytes()).toString('hex'))).size).toBe(
      1,
    );
    expect(keys.every((k) => k.verify())).toBe(true);
    for (const p of honest) expect(p.disqualified.get(2)).toBe('equivocation');
  });

  test('over the signed broadcast on the simulator: the same, each deal sealed to its audience', () => {
    const servers = range(5);
    const sim = new SimulatedServers({
      engine: engines.noble,
      servers,
      random: seededRandom('equivocate-sim'),
    });
    const out = new Map<number, RunOutcome<KeyShare>>();
    const dkgs = new Map<number, Dkg>();
    for (const [i, node] of sim.nodes) {
      const p =
        i === 2
          ? new EquivocatingDkg(2, servers, [1, 3])
          : new Dkg({
              group: g,
              self: i,
              servers,
              threshold: 1,
              random: seededRandom(`equivocate-sim/${i}`),
            });
      if (p instanceof Dkg) dkgs.set(i, p);
      node.run(1, p, 'dkg', (o) => out.set(i, o));
    }
    sim.scheduler.run();
    const honest = [1, 3, 4, 5];
    const keys = honest.map((i) => out.get(i)!.result!);
    expect(new Set(keys.map((k) => Buffer.from(k.publicKey.toBytes()).toString('hex'))).size).toBe(
      1,
    );
    for (const i of honest) expect(dkgs.get(i)!.disqualified.get(2)).toBe('equivocation');
    sim.close();
  });
});

describe('the echo cannot be used to frame an honest dealer', () => {
  test('t = 1: one server echoing a false hash for every other dealer disqualifies no one', () => {
    const servers = range(5);
    const parties = servers.map(
      (self) =>
        new Dkg({ group: g, self, servers, threshold: 1, random: seededRandom(`frame/${self}`) }),
    );
    runLocally<RoundMessage, KeyShare>(parties, {
      intercept: (f) => {
        const m = f.msg as DealingMessage;
        if (f.from !== 5 || m.kind !== 'complaint') return f.msg;
        return {
          ...m,
          echo: (m.echo ?? []).map((e) => ({
            dealer: e.dealer,
            digest: new Uint8Array(32).fill(e.dealer),
          })),
        };
      },
    });
    for (const p of parties) expect([...p.disqualified]).toEqual([]);
    const keys = parties.map((p) => p.result());
    expect(new Set(keys.map((k) => Buffer.from(k.publicKey.toBytes()).toString('hex'))).size).toBe(
      1,
    );
  });
});
