/**
 * Group benchmarks (JSON lines, DESIGN.md format), on the node engine:
 *  - leave/expel rekey at n = 10,000: wrapped keys per leave (goal ≤ 2·⌈log2 n⌉ = 28) and the
 *    leader's time per leave (tree update, fresh keys, wraps, the rekey message signed;
 *    goal < 5 ms);
 *  - join cost at n = 10,000 (the same, plus the newcomer's path for its welcome);
 *  - a batched rekey of 100 leaves against 100 single rekeys;
 *  - relay throughput through the leader's FanOut (64 and 1,400 bytes; 10 and 1,000 members):
 *    frames in per second, copies out per second;
 *  - memory at the leader per member (its records, relay links and task hosts, freed when the
 *    session closes, plus its share of the key tree), in a joined 300-member group.
 * Anchors: MLS (RFC 9420) implementations report a remove at 201 members ≈ 46 ms (ts-mls) and
 * an add at 1,000 members ≈ 734 ms (OpenMLS).
 */
import { Scheduler } from '@conduits/core';
import { emit, median, round2 } from '@conduits/core/bench';
import { nodeEngine as engine } from '@conduits/crypto';
import { boundChannel, GroupChannel, linkKeys, LkhTree, Relay } from '../src/index.js';
import { GroupSim } from '../src/testing/index.js';

const group = engine.randomBytes(8);
const ctx = { engine, group, bound: true };
const session = engine.signingKey('ed25519');

function tree(n: number): LkhTree {
  const t = new LkhTree(ctx, n);
  for (let m = 1; m <= n; m++) t.add(m, engine.randomBytes(32));
  t.commit();
  return t;
}

/** What the leader does per rekey after the tree: the message signed (as Leader does). */
function sign(entries: Uint8Array): number {
  const body = new Uint8Array(23 + 6 + entries.length);
  body.set(entries, 29);
  return session.sign(body).length + body.length;
}

function leaves(): void {
  const n = 10_000;
  const t = tree(n);
  const times: number[] = [];
  const wraps: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 300; i++) {
    const m = 1 + ((i * 7919) % n);
    const leafKey = engine.randomBytes(32);
    const t0 = performance.now();
    t.remove(m);
    const b = t.commit();
    bytes = sign(b.entries);
    times.push(performance.now() - t0);
    wraps.push(b.count);
    t.add(m, leafKey); // back in (not timed), so n stays 10,000
    t.acceptJoinsWithoutRekey();
    t.commit();
  }
  emit({
    bench: 'group-leave-rekey-n10000',
    unit: 'ms/leave',
    value: round2(median(times)),
    p95: round2(times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)] as number),
    wrappedKeysMax: Math.max(...wraps),
    wrappedKeysMedian: median(wraps),
    rekeyMessageBytes: bytes,
    target: 'wrappedKeys <= 28, < 5 ms',
    anchor: 'ts-mls remove at 201 members ~46 ms',
  });
}

function joins(): void {
  const n = 10_000;
  const t = tree(n);
  const times: number[] = [];
  const wraps: number[] = [];
  for (let i = 0; i < 300; i++) {
    const m = 1 + ((i * 7919) % n);
    t.remove(m);
    t.commit();
    const leafKey = engine.randomBytes(32);
    const t0 = performance.now();
    t.add(m, leafKey);
    const b = t.commit();
    sign(b.entries);
    const path = t.path(m);
    times.push(performance.now() - t0);
    wraps.push(b.count);
    for (const p of path) p.key.fill(0);
  }
  emit({
    bench: 'group-join-rekey-n10000',
    unit: 'ms/join',
    value: round2(median(times)),
    wrappedKeysMax: Math.max(...wraps),
    wrappedKeysMedian: median(wraps),
    note: 'leader side: tree, wraps, signed rekey, the newcomer path (authentication exchange not included)',
    anchor: 'OpenMLS add at 1,000 members ~734 ms',
  });
}

function batched(): void {
  const n = 10_000;
  const t = tree(n);
  const ids = Array.from({ length: 100 }, (_, i) => 1 + ((i * 7919) % n));
  const t0 = performance.now();
  for (const m of ids) t.remove(m);
  const b = t.commit();
  const batchMs = performance.now() - t0;
  const t2 = tree(n);
  let single = 0;
  const t1 = performance.now();
  for (const m of ids) {
    t2.remove(m);
    single += t2.commit().count;
  }
  const singleMs = performance.now() - t1;
  emit({
    bench: 'group-batched-rekey-100-leaves-n10000',
    unit: 'wrapped keys',
    value: b.count,
    ms: round2(batchMs),
    baseline: '100 single-leave rekeys',
    baselineValue: single,
    baselineMs: round2(singleMs),
    ratio: round2(b.count / single),
  });
}

function relay(members: number, size: number): void {
  const scheduler = new Scheduler();
  let copies = 0;
  const r = new Relay(scheduler, group, boundChannel, () => void copies++);
  r.epoch = 1;
  const gk = engine.randomBytes(32);
  const sender = new GroupChannel(engine, group, 1, boundChannel);
  for (let m = 1; m <= members; m++) {
    const ka = engine.randomBytes(32);
    const l = linkKeys(engine, ka, group);
    r.add(m, l.up, l.down);
    if (m === 1) {
      const mine = linkKeys(engine, ka, group);
      sender.setLinkKeys(mine.up, mine.down);
    }
  }
  sender.keys.install(1, gk);
  const frames = Math.max(200, Math.floor(200_000 / members));
  const data = new Uint8Array(size);
  const sealed = Array.from({ length: frames }, () => sender.seal(data));
  const t0 = performance.now();
  // Run the carrier loop every 64 frames, as a receive loop would: carriers go back to the pool.
  for (let i = 0; i < sealed.length; i++) {
    r.accept(1, sealed[i] as Uint8Array);
    if ((i & 63) === 63) scheduler.run();
  }
  scheduler.run();
  const s = (performance.now() - t0) / 1000;
  emit({
    bench: `group-relay-${members}-members-${size}B`,
    unit: 'frames/s',
    value: Math.round(frames / s),
    copiesPerSecond: Math.round(copies / s),
    outMbitPerSecond: round2((copies * (size + 57) * 8) / s / 1e6),
  });
}

function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Every join rekeys and tells every member (n² work in the simulator): 300 members keep it short.
  const n = 300;
  const sim = new GroupSim({
    members: n,
    engine,
    seed: 1,
    net: { record: false },
    heartbeat: 60_000,
    deadAfter: 600_000,
    leader: { capacity: 512 },
  });
  sim.run(5000);
  const joined = sim.members.filter((m) => m.state === 'member').length;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const treeBytes = sim.leader.tree.bytes;
  sim.leader.close(); // the members keep their state: only the leader's is freed
  gc?.();
  const after = process.memoryUsage().heapUsed;
  for (const m of sim.members) m.close();
  emit({
    bench: 'group-leader-memory-per-member',
    unit: 'B/member',
    value: Math.round((before - after + treeBytes) / joined),
    members: joined,
    treeBytesPerMember: Math.round(treeBytes / joined),
    gcExposed: gc !== undefined,
    note: 'heap freed when the leader closes (records, relay links, task hosts, keys) + its key tree share',
  });
}

const only = process.argv[2];
if (only === undefined || only === 'rekey') {
  leaves();
  joins();
  batched();
}
if (only === undefined || only === 'relay')
  for (const m of [10, 1000]) for (const size of [64, 1400]) relay(m, size);
if (only === undefined || only === 'memory') memory();
