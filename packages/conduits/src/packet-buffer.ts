/**
 * Bytes with headroom and tailroom, so protocol headers are pushed in front and pulled off
 * without copying the payload (the paper's "in situ" processing). Codecs read and write
 * `bytes`/`view` directly at `start`; `subarray()` is for the edges, since it allocates a view.
 *
 * `push`/`append` may grow the buffer and replace `bytes` and `view`: take the offset first,
 * then read `bytes` (`const at = b.push(2); b.view.setUint16(at, x)`), never
 * `b.bytes[b.push(1)] = x`, where `b.bytes` is read before the push. The helpers
 * `prependBytes`, `appendBytes`, `prependByte` and `appendByte` do it right.
 */
export class PacketBuffer {
  bytes: Uint8Array;
  view: DataView;
  start: number;
  end: number;
  readonly headroom: number;

  constructor(capacity = 2048, headroom = 128) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
    this.headroom = headroom;
    this.start = headroom;
    this.end = headroom;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Empty the buffer, keeping its memory. */
  reset(): void {
    this.start = this.headroom;
    this.end = this.headroom;
  }

  /** Make room for an `n`-byte header in front; returns the offset to write it at. */
  push(n: number): number {
    if (this.start < n) this.#grow(n - this.start + this.headroom, 0);
    this.start -= n;
    return this.start;
  }

  /** Remove an `n`-byte header from the front; returns its offset. Check `length` first. */
  pull(n: number): number {
    const at = this.start;
    this.start += n;
    return at;
  }

  /** Extend the end by `n` bytes (a trailer); returns the offset to write it at. */
  append(n: number): number {
    if (this.end + n > this.bytes.length) this.#grow(0, this.end + n - this.bytes.length + 256);
    const at = this.end;
    this.end += n;
    return at;
  }

  /** Remove `n` bytes from the end. */
  trim(n: number): void {
    this.end -= n;
  }

  /** Replace the contents with a copy of `data`. */
  set(data: Uint8Array): void {
    this.reset();
    this.appendBytes(data);
  }

  /** Copy `data` in front of the contents. */
  prependBytes(data: Uint8Array): void {
    const at = this.push(data.length);
    this.bytes.set(data, at);
  }

  /** Copy `data` after the contents. */
  appendBytes(data: Uint8Array): void {
    const at = this.append(data.length);
    this.bytes.set(data, at);
  }

  prependByte(v: number): void {
    const at = this.push(1);
    this.bytes[at] = v;
  }

  appendByte(v: number): void {
    const at = this.append(1);
    this.bytes[at] = v;
  }

  /** A view of the current contents (allocates a view: for edges and tests). */
  subarray(): Uint8Array {
    return this.bytes.subarray(this.start, this.end);
  }

  /** A copy of the current contents. */
  copy(): Uint8Array {
    return this.bytes.slice(this.start, this.end);
  }

  #grow(front: number, back: number): void {
    const next = new Uint8Array(this.bytes.length + front + back);
    next.set(this.bytes.subarray(this.start, this.end), this.start + front);
    this.bytes = next;
    this.view = new DataView(next.buffer);
    this.start += front;
    this.end += front;
  }
}
