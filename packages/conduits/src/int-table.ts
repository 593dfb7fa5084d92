/**
 * An open-addressing hash table from non-negative 32-bit integer keys (ports, next headers,
 * SPIs) to values: a lookup on the packet path is a multiply, a shift and one or two array
 * loads, with no call into the engine's Map. Deletion shifts the entries after the deleted
 * one back (linear probing, no tombstones), so removing many routes (a flood of
 * conversations expiring) costs O(1) each, not a rebuild each.
 */
export class IntTable<V> {
  #keys = new Int32Array(8).fill(-1);
  #values: (V | undefined)[] = new Array<V | undefined>(8).fill(undefined);
  #shift = 29;
  #size = 0;

  /** True when `key` can be stored here: an integer in [0, 2^31). */
  static fits(key: unknown): key is number {
    return typeof key === 'number' && (key | 0) === key && key >= 0;
  }

  get size(): number {
    return this.#size;
  }

  get(key: number): V | undefined {
    const keys = this.#keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.#shift; ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === key) return this.#values[i];
      if (k === -1) return undefined;
    }
  }

  set(key: number, value: V): void {
    if ((this.#size + 1) * 2 > this.#keys.length) this.#rehash(this.#keys.length * 2);
    if (this.#place(key, value)) this.#size++;
  }

  delete(key: number): boolean {
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> this.#shift;
    for (; ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === key) break;
      if (k === -1) return false;
    }
    // Backward shift: an entry after the hole moves into it unless its home slot lies
    // (cyclically) after the hole, so every remaining key is still found from its home.
    for (let j = i; ;) {
      j = (j + 1) & mask;
      const k = keys[j] as number;
      if (k === -1) break;
      const h = Math.imul(k, 0x9e3779b1) >>> this.#shift;
      if (j > i ? h <= i || h > j : h <= i && h > j) {
        keys[i] = k;
        values[i] = values[j];
        i = j;
      }
    }
    keys[i] = -1;
    values[i] = undefined;
    this.#size--;
    return true;
  }

  /** Returns true when the key was new. */
  #place(key: number, value: V): boolean {
    const keys = this.#keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.#shift; ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === key || k === -1) {
        keys[i] = key;
        this.#values[i] = value;
        return k === -1;
      }
    }
  }

  #rehash(capacity: number): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Int32Array(capacity).fill(-1);
    this.#values = new Array<V | undefined>(capacity).fill(undefined);
    this.#shift = 32 - Math.log2(capacity);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k !== -1) this.#place(k, values[i] as V);
    }
  }
}
