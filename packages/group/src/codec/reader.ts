/**
 * Big-endian reader that never throws on malformed bytes: a read past the end marks the reader
 * failed and returns zeros, so a decoder reads every field and checks `ok` once at the end.
 */
export class Reader {
  readonly #b: Uint8Array;
  readonly #view: DataView;
  #at: number;
  #ok = true;

  constructor(b: Uint8Array, at = 0) {
    this.#b = b;
    this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.#at = at;
  }

  /** Every read so far was within the bytes. */
  get ok(): boolean {
    return this.#ok;
  }

  get offset(): number {
    return this.#at;
  }

  get remaining(): number {
    return this.#b.length - this.#at;
  }

  /** All fields read and nothing left over. */
  get complete(): boolean {
    return this.#ok && this.#at === this.#b.length;
  }

  #take(n: number): boolean {
    if (!this.#ok || this.#at + n > this.#b.length) {
      this.#ok = false;
      return false;
    }
    return true;
  }

  u8(): number {
    if (!this.#take(1)) return 0;
    return this.#b[this.#at++] as number;
  }

  u16(): number {
    if (!this.#take(2)) return 0;
    const v = this.#view.getUint16(this.#at);
    this.#at += 2;
    return v;
  }

  u32(): number {
    if (!this.#take(4)) return 0;
    const v = this.#view.getUint32(this.#at);
    this.#at += 4;
    return v;
  }

  u64(): number {
    if (!this.#take(8)) return 0;
    const hi = this.#view.getUint32(this.#at);
    const lo = this.#view.getUint32(this.#at + 4);
    this.#at += 8;
    if (hi >= 2 ** 21) {
      this.#ok = false;
      return 0;
    }
    return hi * 2 ** 32 + lo;
  }

  /** `n` bytes (a view into the input). */
  raw(n: number): Uint8Array {
    if (!this.#take(n)) return new Uint8Array(0);
    const v = this.#b.subarray(this.#at, this.#at + n);
    this.#at += n;
    return v;
  }

  /** Bytes with a 2-byte length. */
  bytes(): Uint8Array {
    return this.raw(this.u16());
  }

  text(): string {
    const b = this.bytes();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      this.#ok = false;
      return '';
    }
  }

  /** The rest of the input. */
  rest(): Uint8Array {
    return this.raw(this.remaining);
  }
}
