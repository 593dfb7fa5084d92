/** Big-endian writer for the group's wire formats: fixed fields, length-prefixed byte strings. */
export class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #n = 0;

  constructor(capacity = 256) {
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#n;
  }

  u8(v: number): this {
    this.#room(1);
    this.#buf[this.#n++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.#room(4);
    this.#view.setUint32(this.#n, v >>> 0);
    this.#n += 4;
    return this;
  }

  /** An unsigned integer below 2^53, as 8 bytes. */
  u64(v: number): this {
    this.#room(8);
    this.#view.setUint32(this.#n, Math.floor(v / 2 ** 32));
    this.#view.setUint32(this.#n + 4, v >>> 0);
    this.#n += 8;
    return this;
  }

  /** Bytes as they are (fixed length known to the reader). */
  raw(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.#n);
    this.#n += b.length;
    return this;
  }

  /** Bytes with a 2-byte length. */
  bytes(b: Uint8Array): this {
    return this.u16(b.length).raw(b);
  }

  u16(v: number): this {
    this.#room(2);
    this.#view.setUint16(this.#n, v & 0xffff);
    this.#n += 2;
    return this;
  }

  text(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  /** The bytes written (a copy the caller owns). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#n);
  }

  /** Wipe the buffer (it held plaintext keys). */
  wipe(): void {
    this.#buf.fill(0);
    this.#n = 0;
  }

  #room(n: number): void {
    if (this.#n + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#n + n));
    next.set(this.#buf.subarray(0, this.#n));
    this.#buf.fill(0);
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}
