/**
 * The anti-replay window of RFC 4303 §3.4.3 and Appendix A, with extended sequence numbers
 * (Appendix A2: the receiver infers the high 32 bits). A bitmap of `size` bits (64..4096)
 * below the highest sequence number accepted. `check` only looks; `update` runs after the
 * ICV has verified, so forged packets cannot move the window.
 */
export type ReplayVerdict = 'ok' | 'esp-replay' | 'esp-outside-window';

export class ReplayWindow {
  readonly size: number;
  /** Highest sequence number accepted (64-bit value as two 32-bit halves). */
  #topHi = 0;
  #topLo = 0;
  readonly #bits: Uint32Array;
  /** The high 32 bits inferred by the last `check` (ESN). */
  inferredHigh = 0;

  constructor(
    size = 64,
    readonly esn = false,
  ) {
    if (!Number.isInteger(size) || size < 32 || size > 4096 || size % 32 !== 0) throw new RangeError('replay window must be 32..4096 bits, a multiple of 32');
    this.size = size;
    this.#bits = new Uint32Array(size / 32);
  }

  /** Place the window's top at `seq` (a receiver resuming, or tests of the ESN subspaces). */
  startAt(seq: number): void {
    this.#topHi = Math.floor(seq / 4294967296);
    this.#topLo = seq >>> 0;
    this.#bits.fill(0);
  }

  get top(): bigint {
    return (BigInt(this.#topHi) << 32n) | BigInt(this.#topLo);
  }

  /** Is the packet with low sequence bits `seqLo` acceptable? Sets `inferredHigh`. */
  check(seqLo: number): ReplayVerdict {
    const seq = this.#full(seqLo);
    if (seq === 0) return 'esp-replay'; // sequence number 0 is never sent (§3.3.3)
    const top = this.#topHi * 4294967296 + this.#topLo;
    if (seq > top) return 'ok';
    const diff = top - seq;
    if (diff >= this.size) return 'esp-outside-window';
    return this.#bit(diff) ? 'esp-replay' : 'ok';
  }

  /** Record the packet last checked (call after its ICV verified). */
  update(seqLo: number): void {
    const seq = this.#full(seqLo);
    const top = this.#topHi * 4294967296 + this.#topLo;
    if (seq > top) {
      this.#shift(seq - top);
      this.#topHi = Math.floor(seq / 4294967296);
      this.#topLo = seq >>> 0;
      this.#set(0);
    } else this.#set(top - seq);
  }

  /** Full sequence number (as a double: exact below 2^53) for the low bits, per Appendix A2.1. */
  #full(seqLo: number): number {
    if (!this.esn) {
      this.inferredHigh = 0;
      return seqLo;
    }
    const tl = this.#topLo;
    let hi = this.#topHi;
    const bottom = (tl - this.size + 1) >>> 0;
    if (tl >= this.size - 1) {
      // Window within one subspace.
      if (seqLo < bottom) hi += 1;
    } else if (seqLo >= bottom) hi -= 1; // window spans two subspaces
    if (hi < 0) hi = 0;
    this.inferredHigh = hi;
    return hi * 4294967296 + seqLo;
  }

  #bit(i: number): boolean {
    return ((this.#bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  #set(i: number): void {
    this.#bits[i >>> 5] = (this.#bits[i >>> 5] as number) | (1 << (i & 31));
  }

  /** Slide the window up by n: bit i becomes bit i + n. */
  #shift(n: number): void {
    if (n >= this.size) {
      this.#bits.fill(0);
      return;
    }
    const words = n >>> 5;
    const bits = n & 31;
    const w = this.#bits;
    for (let i = w.length - 1; i >= 0; i--) {
      const src = i - words;
      const lo = src >= 0 ? (w[src] as number) : 0;
      const below = src - 1 >= 0 ? (w[src - 1] as number) : 0;
      w[i] = bits === 0 ? lo : ((lo << bits) | (below >>> (32 - bits))) >>> 0;
    }
  }
}
