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
 * The attribute values of one message: a slot per registered key, each stamped with the
 * epoch it was set in. A slot counts only when its stamp is the current epoch, so clearing a
 * message (every hop of its life ends with one) is a counter increment, and setting is two
 * stores with no bookkeeping; non-number values are also listed, so clearing lets go of
 * every object a released message held. Nothing is allocated once warm.
 *
 * Peer block on the wire, pushed in front of the payload:
 *   u16 block length (including itself), then per attribute: u16 wire id, u16 length, value.
 */
export class AttributeTable {
  // Sized for every key registered so far, so slots are in bounds; keys registered later grow it once.
  #values: unknown[] = new Array<unknown>(Math.max(16, attributeCount())).fill(undefined);
  #stamps = new Int32Array(Math.max(16, attributeCount())).fill(-1);
  #epoch = 0;
  /** Slots holding something other than a number, to drop the references on clear. */
  #held: number[] = [];
  #heldCount = 0;

  get<T>(key: AttrKey<T>): T | undefined {
    const id = key.id;
    return this.#stamps[id] === this.#epoch ? (this.#values[id] as T | undefined) : undefined;
  }

  has(key: AttrKey<unknown>): boolean {
    return this.get(key) !== undefined;
  }

  set<T>(key: AttrKey<T>, value: T): void {
    const id = key.id;
    if (id >= this.#stamps.length) this.#grow(id);
    const stamps = this.#stamps;
    const epoch = this.#epoch;
    if (
      typeof value !== 'number' &&
      value !== undefined &&
      (stamps[id] !== epoch ||
        typeof this.#values[id] === 'number' ||
        this.#values[id] === undefined)
    ) {
      if (this.#heldCount === this.#held.length && this.#heldCount >= 64) this.#compactHeld();
      this.#held[this.#heldCount++] = id;
    }
    this.#values[id] = value;
    stamps[id] = epoch;
  }

  delete(key: AttrKey<unknown>): void {
    const id = key.id;
    if (this.#stamps[id] !== this.#epoch) return;
    this.#stamps[id] = -1;
    this.#values[id] = undefined;
  }

  /** Remove every attribute of `scope` (e.g. `local` when a message leaves a composite protocol). */
  clearScope(scope: AttrScope): void {
    for (let id = this.#nextSet(0); id >= 0; id = this.#nextSet(id + 1)) {
      const key = attributeById(id) as AttrKey<unknown>;
      if (key.scope === scope) this.delete(key);
    }
  }

  clear(): void {
    for (let i = 0; i < this.#heldCount; i++) this.#values[this.#held[i] as number] = undefined;
    this.#heldCount = 0;
    if (this.#epoch === 0x7fffffff) {
      this.#stamps.fill(-1);
      this.#epoch = 0;
    } else this.#epoch++;
  }

  /** Visit every attribute that is set, in the order the keys were registered. */
  forEach(fn: (key: AttrKey<unknown>, value: unknown) => void): void {
    for (let id = this.#nextSet(0); id >= 0; id = this.#nextSet(id + 1))
      fn(attributeById(id) as AttrKey<unknown>, this.#values[id]);
  }

  /** Push the peer attributes in front of the buffer's contents; returns the bytes added. */
  packPeer(buf: PacketBuffer): number {
    let size = 2;
    for (let id = this.#nextSet(0); id >= 0; id = this.#nextSet(id + 1)) {
      const key = attributeById(id) as AttrKey<unknown>;
      if (key.scope === 'peer' && key.codec !== undefined)
        size += 4 + key.codec.size(this.#values[id]);
    }
    if (size > 0xffff) throw new RangeError('peer attributes exceed 65535 bytes');
    let at = buf.push(size);
    buf.view.setUint16(at, size);
    at += 2;
    for (let id = this.#nextSet(0); id >= 0; id = this.#nextSet(id + 1)) {
      const key = attributeById(id) as AttrKey<unknown>;
      if (key.scope !== 'peer' || key.codec === undefined) continue;
      const value = this.#values[id];
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

  /** Keep only the listed slots that still hold an object (a message set, deleted and set again many times). */
  #compactHeld(): void {
    let n = 0;
    for (let i = 0; i < this.#heldCount; i++) {
      const id = this.#held[i] as number;
      const v = this.#values[id];
      if (v !== undefined && typeof v !== 'number' && !this.#held.slice(0, n).includes(id))
        this.#held[n++] = id;
    }
    this.#heldCount = n;
  }

  /** The first slot from `from` holding a value set in this epoch, or -1. */
  #nextSet(from: number): number {
    for (let id = from; id < this.#stamps.length; id++)
      if (this.#stamps[id] === this.#epoch && this.#values[id] !== undefined) return id;
    return -1;
  }

  #grow(id: number): void {
    const n = Math.max(id + 1, attributeCount(), this.#stamps.length * 2);
    const values = new Array<unknown>(n).fill(undefined);
    for (let i = 0; i < this.#values.length; i++) values[i] = this.#values[i];
    const stamps = new Int32Array(n).fill(-1);
    stamps.set(this.#stamps);
    this.#values = values;
    this.#stamps = stamps;
  }
}
