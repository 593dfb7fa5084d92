/** The README's example, kept compiling by `pnpm typecheck` (test/readme.test.ts runs the same steps and checks them). */
import { Scheduler } from '@conduits/core';
import { nobleEngine as engine } from '@conduits/crypto';
import { Leader, Member, StarNet, type RegisteredMember } from '@conduits/group';

const scheduler = new Scheduler(); // virtual time
const net = new StarNet(scheduler, { seed: 1, latency: 5 });
const leaderKey = engine.signingKey('ed25519');
const keys = { alice: engine.signingKey('ed25519'), bob: engine.signingKey('ed25519') };
const registry = new Map<string, RegisteredMember>(
  Object.entries(keys).map(([name, k]) => [name, { kind: 'ed25519', publicKey: k.publicKey }]),
);
const leader = new Leader(scheduler, net, { engine, identity: leaderKey, registry }); // preset: repaired
const member = (name: 'alice' | 'bob') =>
  new Member(scheduler, net, leader.endpoint, {
    name,
    engine,
    credential: { kind: 'ed25519', key: keys[name] },
    leaderPublicKey: leaderKey.publicKey,
  });
const alice = member('alice');
const bob = member('bob');
alice.join();
bob.join();
scheduler.run(500);
alice.send(new TextEncoder().encode('hi bob'));
scheduler.run(600);
export const got = bob.delivered.map(
  (d) => `${leader.members().get(d.sender)}: ${new TextDecoder().decode(d.data)}`,
); // ['alice: hi bob']
bob.leave();
scheduler.run(700);
// bob has left; alice and the leader are on epoch 3 (two joins, one leave)
export const after = { bob: bob.state, epochs: [alice.epoch, leader.epoch] };
leader.close();
alice.close();
