/**
 * The leader's logical key hierarchy (Wong–Gouda–Lam; RFC 2627): a balanced binary tree in
 * heap order (root 1, children 2i and 2i+1, leaves C..2C-1), one key per node, each member at
 * a leaf and holding the keys on its path. The root key is the group key of the epoch.
 *
 * Changes (joins, leaves) only mark their paths; `commit` then replaces every marked key once,
 * bottom-up, and wraps each new key under the current key of each non-empty child: a leave
 * costs at most 2·log2 C wrapped keys (one less at the bottom), a batch of changes costs the
 * union of their paths. A removed member's leaf key is wiped and never wraps anything again
 * (forward secrecy); a new member is given only the new keys of its path (backward secrecy).
 *
 * `flat` mode is the published protocols' distribution: the group key alone, wrapped under each
 * member's leaf (pairwise) key: n wrapped keys per rekey.
 *
 * Keys live in one Uint8Array (32 bytes per node), so a member costs a few dozen bytes of
 * tree at the leader; `destroy()` wipes them.
 */
import { GroupConfigError, GroupStateError } from '../errors.js';
import { ENTRY, KEY, wrap, type WrapContext } from './wrap.js';

/** What `commit` made: the wrapped keys of one rekey message, bottom-up. */
export interface RekeyBatch {
  readonly epoch: number;
  /** ENTRY bytes each. */
  readonly entries: Uint8Array;
  readonly count: number;
  /** Members added in this batch (they get their path in a welcome, not from the entries). */
  readonly joined: readonly number[];
  readonly left: readonly number[];
}

export class LkhTree {
  readonly capacity: number;
  readonly depth: number;
  readonly #keys: Uint8Array;
  readonly #count: Uint32Array;
  readonly #memberAt: Int32Array;
  readonly #leafOf = new Map<number, number>();
  readonly #free: number[] = [];
  readonly #dirty: Uint8Array;
  readonly #dirtyList: number[] = [];
  readonly #joined: number[] = [];
  readonly #left: number[] = [];
  #epoch = 0;

  constructor(
    readonly ctx: WrapContext,
    capacity: number,
    readonly flat = false,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 2 ** 20)
      throw new GroupConfigError(`tree capacity ${capacity}: 2 .. 2^20`);
    let c = 2;
    while (c < capacity) c *= 2;
    this.capacity = c;
    this.depth = Math.log2(c);
    this.#keys = new Uint8Array(2 * c * KEY);
    this.#count = new Uint32Array(2 * c);
    this.#memberAt = new Int32Array(c).fill(-1);
    this.#dirty = new Uint8Array(2 * c);
    for (let leaf = 2 * c - 1; leaf >= c; leaf--) this.#free.push(leaf);
    this.#set(1, ctx.engine.randomBytes(KEY));
  }

  get size(): number {
    return this.#leafOf.size;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Bytes of key material and bookkeeping held for the tree (for the memory bench). */
  get bytes(): number {
    return (
      this.#keys.byteLength +
      this.#count.byteLength +
      this.#memberAt.byteLength +
      this.#dirty.byteLength
    );
  }

  has(member: number): boolean {
    return this.#leafOf.has(member);
  }

  leafOf(member: number): number | undefined {
    return this.#leafOf.get(member);
  }

  members(): IterableIterator<number> {
    return this.#leafOf.keys();
  }

  /** The group key of the current epoch (a copy; the caller wipes it). */
  groupKey(): Uint8Array {
    return this.#keys.slice(KEY, 2 * KEY);
  }

  /**
   * Put `member` at a free leaf whose key is `leafKey` (a fresh key in the repaired group; the
   * pairwise key in the published ones). Takes effect at the next `commit`.
   */
  add(member: number, leafKey: Uint8Array): number {
    if (this.#leafOf.has(member))
      throw new GroupStateError(`member ${member} is already in the tree`);
    const leaf = this.#free.pop();
    if (leaf === undefined) throw new GroupStateError(`group full (${this.capacity} members)`);
    this.#leafOf.set(member, leaf);
    this.#memberAt[leaf - this.capacity] = member;
    this.#set(leaf, leafKey);
    for (let v = leaf; v >= 1; v >>= 1) this.#count[v] = (this.#count[v] as number) + 1;
    this.#markPath(leaf >> 1);
    this.#joined.push(member);
    return leaf;
  }

  /** Take `member` out: its leaf key is wiped now; its path is replaced at the next `commit`. */
  remove(member: number): boolean {
    const leaf = this.#leafOf.get(member);
    if (leaf === undefined) return false;
    this.#leafOf.delete(member);
    this.#memberAt[leaf - this.capacity] = -1;
    this.#keys.fill(0, leaf * KEY, (leaf + 1) * KEY);
    for (let v = leaf; v >= 1; v >>= 1) this.#count[v] = (this.#count[v] as number) - 1;
    this.#markPath(leaf >> 1);
    this.#free.push(leaf);
    this.#left.push(member);
    return true;
  }

  /** Joins stay without a rekey (published presets): later commits wrap for these members like any other. */
  acceptJoinsWithoutRekey(): void {
    this.#joined.length = 0;
  }

  /** Changes waiting for `commit`. */
  get pending(): number {
    return this.#joined.length + this.#left.length;
  }

  /** Mark every key for replacement (a periodic rekey with no membership change). */
  refreshAll(): void {
    this.#markPath(1);
  }

  /** Replace every marked key, bottom-up, and wrap each new key for those who keep it. */
  commit(): RekeyBatch {
    const epoch = ++this.#epoch;
    const joined = new Set(this.#joined);
    const nodes = this.flat ? [1] : this.#dirtyList.sort((a, b) => b - a);
    const max = this.flat ? this.size : nodes.length * 2;
    const entries = new Uint8Array(max * ENTRY);
    let n = 0;
    const c = this.capacity;
    for (const v of nodes) {
      this.#dirty[v] = 0;
      if (this.#count[v] === 0) {
        this.#keys.fill(0, v * KEY, (v + 1) * KEY);
        continue;
      }
      const fresh = this.ctx.engine.randomBytes(KEY);
      this.#set(v, fresh);
      if (this.flat) {
        for (const [member, leaf] of this.#leafOf) {
          if (joined.has(member)) continue;
          wrap(this.ctx, epoch, v, leaf, this.#key(leaf), fresh, entries, n++ * ENTRY);
        }
      } else {
        for (const child of [2 * v, 2 * v + 1]) {
          if (this.#count[child] === 0) continue;
          if (child >= c && joined.has(this.#memberAt[child - c] as number)) continue;
          wrap(this.ctx, epoch, v, child, this.#key(child), fresh, entries, n++ * ENTRY);
        }
      }
      fresh.fill(0);
    }
    this.#dirtyList.length = 0;
    const batch: RekeyBatch = {
      epoch,
      entries: entries.subarray(0, n * ENTRY),
      count: n,
      joined: this.#joined.splice(0),
      left: this.#left.splice(0),
    };
    return batch;
  }

  /** The keys on `member`'s path, leaf first: (node, key) pairs for its welcome or a key retransmission. */
  path(member: number): { node: number; key: Uint8Array }[] {
    const leaf = this.#leafOf.get(member);
    if (leaf === undefined) return [];
    const out: { node: number; key: Uint8Array }[] = [];
    if (this.flat)
      return [
        { node: leaf, key: this.#key(leaf).slice() },
        { node: 1, key: this.#key(1).slice() },
      ];
    for (let v = leaf; v >= 1; v >>= 1) out.push({ node: v, key: this.#key(v).slice() });
    return out;
  }

  destroy(): void {
    this.#keys.fill(0);
  }

  #key(v: number): Uint8Array {
    return this.#keys.subarray(v * KEY, (v + 1) * KEY);
  }

  #set(v: number, key: Uint8Array): void {
    this.#keys.set(key, v * KEY);
  }

  #markPath(from: number): void {
    for (let v = from; v >= 1; v >>= 1) {
      if (this.#dirty[v] === 1) return; // the rest of the path is marked already
      this.#dirty[v] = 1;
      this.#dirtyList.push(v);
    }
  }
}
