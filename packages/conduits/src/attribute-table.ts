import {
  attributeById,
  attributeCount,
  peerAttributeByWireId,
  wireIdOf,
  type AttrKey,
  type AttrScope,
} from './attributes.js';
import { AttributeDecodeError } from './errors.js';
import type { PacketBuffer } from './packet-buffer.js';

/**
 * The attribute values of one message: a slot per registered key plus the list of slots in
 * use, so clearing and packing touch only what was set and nothing is allocated once warm.
 *
 * Peer block on the wire, pushed in front of the payload:
 *   u16 block length (including itself), then per attribute: u16 wire id, u16 length, value.
 */
export class AttributeTable {
  // Sized for every key registered so far and filled, so the array stays packed and a get or
  // set is one bounds-checked load or store; keys registered later grow it once.
  #values: unknown[] = new Array<unknown>(Math.max(16, attributeCount())).fill(undefined);
  #used: number[] = new Array<number>(16).fill(0);
  #usedCount = 0;

  get<T>(key: AttrKey<T>): T | undefined {
    return this.#values[key.id] as T | undefined;
  }

  has(key: AttrKey<unknown>): boolean {
    return this.#values[key.id] !== undefined;
  }

  set<T>(key: AttrKey<T>, value: T): void {
    const id = key.id;
    const values = this.#values;
    if (id >= values.length) {
      this.#grow(id);
      this.set(key, value);
      return;
    }
    if (values[id] === undefined) {
      if (this.#usedCount === this.#used.length) this.#used.push(id);
      else this.#used[this.#usedCount] = id;
      this.#usedCount++;
    }
    values[id] = value;
  }

  delete(key: AttrKey<unknown>): void {
    if (this.#values[key.id] === undefined) return;
    this.#values[key.id] = undefined;
    this.#compact();
  }

  /** Remove every attribute of `scope` (e.g. `local` when a message leaves a composite protocol). */
  clearScope(scope: AttrScope): void {
    for (let i = 0; i < this.#usedCount; i++) {
      const id = this.#used[i] as number;
      if (attributeById(id)?.scope === scope) this.#values[id] = undefined;
    }
    this.#compact();
  }

  clear(): void {
    for (let i = 0; i < this.#usedCount; i++) this.#values[this.#used[i] as number] = undefined;
    this.#usedCount = 0;
  }

  /** Visit every attribute that is set. */
  forEach(fn: (key: AttrKey<unknown>, value: unknown) => void): void {
    for (let i = 0; i < this.#usedCount; i++) {
      const id = this.#used[i] as number;
      fn(attributeById(id) as AttrKey<unknown>, this.#values[id]);
    }
  }

  /** Push the peer attributes in front of the buffer's contents; returns the bytes added. */
  packPeer(buf: PacketBuffer): number {
    let size = 2;
    for (let i = 0; i < this.#usedCount; i++) {
      const key = attributeById(this.#used[i] as number) as AttrKey<unknown>;
      if (key.scope === 'peer') size += 4 + (key.codec?.size(this.#values[key.id]) ?? 0);
    }
    if (size > 0xffff) throw new RangeError('peer attributes exceed 65535 bytes');
    let at = buf.push(size);
    buf.view.setUint16(at, size);
    at += 2;
    for (let i = 0; i < this.#usedCount; i++) {
      const key = attributeById(this.#used[i] as number) as AttrKey<unknown>;
      if (key.scope !== 'peer' || key.codec === undefined) continue;
      const value = this.#values[key.id];
      const len = key.codec.size(value);
      buf.view.setUint16(at, wireIdOf(key));
      buf.view.setUint16(at + 2, len);
      key.codec.write(value, buf.bytes, buf.view, at + 4);
      at += 4 + len;
    }
    return size;
  }

  /**
   * Pull a peer block off the front of the buffer and set its attributes. Unknown wire ids
   * are skipped (a newer peer may send more). On error nothing is pulled or set.
   */
  unpackPeer(buf: PacketBuffer): AttributeDecodeError | undefined {
    if (buf.length < 2) return new AttributeDecodeError('truncated block length');
    const start = buf.start;
    const size = buf.view.getUint16(start);
    if (size < 2 || size > buf.length) return new AttributeDecodeError('block length out of range');
    const end = start + size;
    // First pass validates, second applies: a bad block must leave the message untouched.
    for (let pass = 0; pass < 2; pass++) {
      let at = start + 2;
      while (at < end) {
        if (at + 4 > end) return new AttributeDecodeError('truncated attribute header');
        const wireId = buf.view.getUint16(at);
        const len = buf.view.getUint16(at + 2);
        if (at + 4 + len > end) return new AttributeDecodeError('attribute overruns block');
        const key = peerAttributeByWireId(wireId);
        if (key?.codec !== undefined) {
          const value = key.codec.read(buf.bytes, buf.view, at + 4, len);
          if (value instanceof AttributeDecodeError) return value;
          if (pass === 1) this.set(key, value);
        }
        at += 4 + len;
      }
    }
    buf.pull(size);
    return undefined;
  }

  #grow(id: number): void {
    const next = new Array<unknown>(Math.max(id + 1, attributeCount(), this.#values.length * 2)).fill(undefined);
    for (let i = 0; i < this.#values.length; i++) next[i] = this.#values[i];
    this.#values = next;
  }

  #compact(): void {
    let n = 0;
    for (let i = 0; i < this.#usedCount; i++) {
      const id = this.#used[i] as number;
      if (this.#values[id] !== undefined) this.#used[n++] = id;
    }
    this.#usedCount = n;
  }
}
