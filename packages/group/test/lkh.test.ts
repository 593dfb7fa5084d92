/** LKH: O(log n) wrapped keys per leave, batched rekeys, forward and backward secrecy. */
import { nodeEngine as engine, constantTimeEqual } from '@conduits/crypto';
import { KeyPath, LkhTree, type WrapContext } from '@conduits/group';

const ctx: WrapContext = { engine, group: Uint8Array.from([9, 9, 9, 9, 1, 2, 3, 4]), bound: true };

function grow(n: number, capacity = n) {
  const tree = new LkhTree(ctx, capacity);
  for (let m = 1; m <= n; m++) tree.add(m, engine.randomBytes(32));
  tree.commit();
  const paths = new Map<number, KeyPath>();
  for (let m = 1; m <= n; m++) paths.set(m, new KeyPath(ctx, tree.leafOf(m)!, tree.path(m)));
  return { tree, paths };
}

const same = (a: Uint8Array | null, b: Uint8Array) => a !== null && constantTimeEqual(a, b);

describe('LKH', () => {
  test('a leave at n = 1000 costs at most 2·log2(capacity) − 1 wrapped keys, and every remaining member gets the new group key', () => {
    const { tree, paths } = grow(1000);
    tree.remove(500);
    const batch = tree.commit();
    expect(batch.count).toBeLessThanOrEqual(2 * tree.depth - 1);
    expect(batch.count).toBeGreaterThanOrEqual(tree.depth);
    const gk = tree.groupKey();
    for (const [m, p] of paths) {
      if (m === 500) continue;
      expect(p.apply(batch.epoch, batch.entries)).not.toBeNull();
      expect(same(p.root, gk)).toBe(true);
    }
  });

  test('forward secrecy: the removed member cannot obtain the new group key (nor any new key on its old path)', () => {
    const { tree, paths } = grow(64);
    const gone = paths.get(17)!;
    tree.remove(17);
    const batch = tree.commit();
    // Its old keys open nothing of the rekey (null: "cannot follow"), so it gains no new key.
    expect(gone.apply(batch.epoch, batch.entries) ?? []).not.toContain(1);
    expect(same(gone.root, tree.groupKey())).toBe(false);
    // It stays out through later rekeys too.
    tree.remove(18);
    const b2 = tree.commit();
    gone.apply(b2.epoch, b2.entries);
    expect(same(gone.root, tree.groupKey())).toBe(false);
  });

  test('backward secrecy: a new member holds only keys made after its join; the old group key is not on its path nor in any entry it can open', () => {
    const { tree, paths } = grow(31, 64);
    const oldRoot = tree.groupKey();
    const old = tree.commit(); // a rekey before the join, kept by an eavesdropper
    const oldRoot2 = tree.groupKey();
    tree.add(99, engine.randomBytes(32));
    const batch = tree.commit();
    const newcomer = new KeyPath(ctx, tree.leafOf(99)!, tree.path(99));
    expect(same(newcomer.root, tree.groupKey())).toBe(true);
    for (const k of [oldRoot, oldRoot2]) expect(same(newcomer.root, k)).toBe(false);
    expect(newcomer.apply(old.epoch, old.entries)).toEqual([]);
    expect(same(newcomer.root, oldRoot2)).toBe(false);
    // The others follow the join rekey.
    for (const p of paths.values()) {
      p.apply(old.epoch, old.entries);
      p.apply(batch.epoch, batch.entries);
      expect(same(p.root, tree.groupKey())).toBe(true);
    }
  });

  test('batched: 100 leaves in one commit cost far fewer than 100 separate rekeys, and the rest follow', () => {
    const { tree, paths } = grow(1000, 1024);
    for (let m = 1; m <= 1000; m += 10) tree.remove(m);
    const batch = tree.commit();
    expect(batch.left).toHaveLength(100);
    expect(batch.count).toBeLessThan(100 * (2 * tree.depth - 1));
    for (const [m, p] of paths) {
      const r = p.apply(batch.epoch, batch.entries);
      if (m % 10 === 1) expect(same(p.root, tree.groupKey())).toBe(false);
      else {
        expect(r).not.toBeNull();
        expect(same(p.root, tree.groupKey())).toBe(true);
      }
    }
  });

  test('a wrap moved to another epoch or group does not open (bound wraps); a damaged entry changes nothing', () => {
    const { tree, paths } = grow(8);
    tree.remove(1);
    const batch = tree.commit();
    const p = paths.get(2)!;
    const before = p.root!.slice();
    expect(p.apply(batch.epoch + 1, batch.entries)).toBeNull();
    const bad = batch.entries.slice();
    bad[20]! ^= 1; // the first entry: node 2's parent's key wrapped under member 2's leaf
    expect(p.apply(batch.epoch, bad)).toBeNull();
    expect(same(p.root, before)).toBe(true);
    const other = new KeyPath({ ...ctx, group: new Uint8Array(8) }, tree.leafOf(2)!, []);
    expect(other.root).toBeNull();
  });

  test('flat (published) distribution: n wrapped keys per rekey', () => {
    const tree = new LkhTree(ctx, 64, true);
    for (let m = 1; m <= 40; m++) tree.add(m, engine.randomBytes(32));
    tree.commit();
    tree.remove(3);
    expect(tree.commit().count).toBe(39);
  });
});
