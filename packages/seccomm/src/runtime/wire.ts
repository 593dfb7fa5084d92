/**
 * Small length-prefixed encodings for SecComm's own control messages (key distribution, KDC,
 * CA). A Reader never reads past its bytes: a short or inconsistent message raises
 * MalformedError, which decoders turn into a refusal, never an uncaught exception.
 */
export class MalformedError extends Error {
  override readonly name = 'MalformedError';
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export class Writer {
  readonly #parts: Uint8Array[] = [];
  u8(n: number): this {
    this.#parts.push(Uint8Array.of(n & 0xff));
    return this;
  }
  u16(n: number): this {
    this.#parts.push(Uint8Array.of((n >> 8) & 0xff, n & 0xff));
    return this;
  }
  u32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    this.#parts.push(b);
    return this;
  }
  f64(n: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, n);
    this.#parts.push(b);
    return this;
  }
  raw(b: Uint8Array): this {
    this.#parts.push(b);
    return this;
  }
  /** Bytes with a 16-bit length in front. */
  bytes(b: Uint8Array): this {
    if (b.length > 0xffff) throw new RangeError('field longer than 65535 bytes');
    return this.u16(b.length).raw(b);
  }
  str(s: string): this {
    return this.bytes(enc.encode(s));
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export class Reader {
  #at = 0;
  readonly #view: DataView;
  constructor(readonly data: Uint8Array) {
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  #need(n: number): number {
    if (this.#at + n > this.data.length)
      throw new MalformedError(`needs ${n} more bytes at ${this.#at} of ${this.data.length}`);
    const at = this.#at;
    this.#at += n;
    return at;
  }
  u8(): number {
    return this.#view.getUint8(this.#need(1));
  }
  u16(): number {
    return this.#view.getUint16(this.#need(2));
  }
  u32(): number {
    return this.#view.getUint32(this.#need(4));
  }
  f64(): number {
    return this.#view.getFloat64(this.#need(8));
  }
  raw(n: number): Uint8Array {
    const at = this.#need(n);
    return this.data.slice(at, at + n);
  }
  bytes(): Uint8Array {
    return this.raw(this.u16());
  }
  str(): string {
    try {
      return dec.decode(this.bytes());
    } catch (e) {
      if (e instanceof MalformedError) throw e;
      throw new MalformedError('not UTF-8');
    }
  }
  rest(): Uint8Array {
    return this.raw(this.data.length - this.#at);
  }
  /** Everything must have been read. */
  end(): void {
    if (this.#at !== this.data.length)
      throw new MalformedError(`${this.data.length - this.#at} bytes left over`);
  }
}

/** Run a decoder; a MalformedError becomes null. */
export function decode<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof MalformedError) return null;
    throw e;
  }
}
