/**
 * The Keys table of §3.2, with key epochs so that keys can be replaced on a live connection
 * without losing a message.
 *
 * An epoch is a snapshot of every key index. Epoch 0 holds the keys given to open(); each
 * completed key distribution makes the next epoch (both ends distribute in the same order,
 * one key at a time, so their epoch numbers agree). Senders always use the current epoch and
 * write its number in the frame; receivers accept the current epoch, the previous one
 * (messages sent just before a replacement, still in flight) and a staged one (the peer has
 * already switched; we hold the key but have not confirmed it yet).
 */
export class KeyTable {
  #current: Map<number, Uint8Array> = new Map();
  #previous: Map<number, Uint8Array> | null = null;
  #staged: Map<number, Uint8Array> | null = null;
  #epoch = 0;
  #version = 0;

  /** The epoch senders use. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The epoch a staged key would make, or null. */
  get stagedEpoch(): number | null {
    return this.#staged === null ? null : this.#epoch + 1;
  }

  /** Changes whenever the table does: key-object caches compare it to know when to rebuild. */
  get version(): number {
    return this.#version;
  }

  /** A key given to open(): part of epoch 0. */
  predefine(index: number, key: Uint8Array): void {
    this.#current.set(index, Uint8Array.from(key));
    this.#version++;
  }

  /** Key `index` as of `epoch` (the current one by default). */
  get(index: number, epoch = this.#epoch): Uint8Array | undefined {
    return this.#snapshot(epoch)?.get(index);
  }

  /** Key indices in force now. */
  indices(): IterableIterator<number> {
    return this.#current.keys();
  }

  /** Copies of the keys in force now (to carry them into another connection). */
  snapshot(): Map<number, Uint8Array> {
    return new Map([...this.#current].map(([i, k]) => [i, Uint8Array.from(k)]));
  }

  has(index: number): boolean {
    return this.#current.has(index);
  }

  /** Does a receiver know this epoch (current, previous or staged)? */
  knows(epoch: number): boolean {
    return this.#snapshot(epoch) !== null;
  }

  /** Full epoch number for the low byte carried in a frame, or null if no known epoch matches. */
  resolve(low: number): number | null {
    for (const e of [this.#epoch, this.#epoch + 1, this.#epoch - 1])
      if (e >= 0 && (e & 0xff) === low && this.knows(e)) return e;
    return null;
  }

  /** Hold a new key for the next epoch: receivers accept it, senders do not use it yet. */
  stage(index: number, key: Uint8Array): number {
    this.#wipeUnused(this.#staged);
    this.#staged = new Map(this.#current);
    this.#staged.set(index, Uint8Array.from(key));
    this.#version++;
    return this.#epoch + 1;
  }

  /** Make the staged epoch current; the old current stays readable as the previous epoch. */
  commit(): number {
    if (this.#staged === null) throw new Error('KeyTable: nothing staged');
    const dropping = this.#previous;
    this.#previous = this.#current;
    this.#current = this.#staged;
    this.#staged = null;
    this.#epoch++;
    this.#wipeUnused(dropping);
    this.#version++;
    return this.#epoch;
  }

  /** Forget a staged key (a distribution failed). */
  abandon(): void {
    this.#wipeUnused(this.#staged);
    this.#staged = null;
    this.#version++;
  }

  /** close(): every key byte overwritten. */
  wipe(): void {
    for (const m of [this.#current, this.#previous, this.#staged])
      for (const k of m?.values() ?? []) k.fill(0);
    this.#current = new Map();
    this.#previous = null;
    this.#staged = null;
    this.#version++;
  }

  #snapshot(epoch: number): Map<number, Uint8Array> | null {
    if (epoch === this.#epoch) return this.#current;
    if (epoch === this.#epoch - 1) return this.#previous;
    if (epoch === this.#epoch + 1) return this.#staged;
    return null;
  }

  /** Wipe the keys of a snapshot being dropped that no live snapshot still shares. */
  #wipeUnused(dropping: Map<number, Uint8Array> | null): void {
    if (dropping === null) return;
    const live = new Set<Uint8Array>();
    for (const m of [this.#current, this.#previous, this.#staged])
      if (m !== dropping) for (const k of m?.values() ?? []) live.add(k);
    for (const k of dropping.values()) if (!live.has(k)) k.fill(0);
  }
}

/**
 * Key objects (AEAD, MAC...) built from one key index, one per live epoch, destroyed when the
 * epoch is forgotten. `get` is what a micro-protocol calls per message.
 */
export class KeyObjects<T extends { destroy(): void }> {
  readonly #made = new Map<number, { bytes: Uint8Array; key: T }>();
  #version = -1;

  constructor(
    private readonly table: KeyTable,
    private readonly index: number,
    private readonly make: (key: Uint8Array) => T,
  ) {}

  /** The key object for `epoch`, or null if key `index` does not exist in it. */
  get(epoch: number): T | null {
    if (this.#version !== this.table.version) this.#prune();
    const made = this.#made.get(epoch);
    if (made !== undefined) return made.key;
    const bytes = this.table.get(this.index, epoch);
    if (bytes === undefined) return null;
    const key = this.make(bytes);
    this.#made.set(epoch, { bytes, key });
    return key;
  }

  destroy(): void {
    for (const k of this.#made.values()) k.key.destroy();
    this.#made.clear();
  }

  #prune(): void {
    this.#version = this.table.version;
    for (const [e, k] of this.#made) {
      if (this.table.get(this.index, e) !== k.bytes) {
        k.key.destroy();
        this.#made.delete(e);
      }
    }
  }
}
