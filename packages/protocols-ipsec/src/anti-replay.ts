/**
 * The anti-replay window of RFC 4303 §3.4.3 and Appendix A, with extended sequence numbers
 * (Appendix A2: the receiver infers the high 32 bits). `size` bits (64..4096) below the
 * highest sequence number accepted, kept as a ring of 32-bit words indexed by the sequence
 * number itself (RFC 6479): moving the window clears the words it passes, it never shifts
 * the bitmap. `check` only looks; `update` runs after the ICV has verified, so forged packets
 * cannot move the window.
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
    if (!Number.isInteger(size) || size < 32 || size > 4096 || size % 32 !== 0)
      throw new RangeError('replay window must be 32..4096 bits, a multiple of 32');
    this.size = size;
    // One word more than the window: the top word is partly filled, the bottom one partly.
    this.#bits = new Uint32Array(size / 32 + 1);
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
    return this.#bit(seq) ? 'esp-replay' : 'ok';
  }

  /** Record the packet last checked (call after its ICV verified). */
  update(seqLo: number): void {
    const seq = this.#full(seqLo);
    const top = this.#topHi * 4294967296 + this.#topLo;
    if (seq > top) {
      // Clear the words between the old top's and the new top's (all of them, past a full turn).
      const words = this.#bits.length;
      const from = Math.floor(top / 32);
      const to = Math.floor(seq / 32);
      for (let k = 1, n = Math.min(to - from, words); k <= n; k++)
        this.#bits[(from + k) % words] = 0;
      this.#topHi = Math.floor(seq / 4294967296);
      this.#topLo = seq >>> 0;
    }
    this.#set(seq);
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

  /** The bit of sequence number `seq` in the ring. */
  #bit(seq: number): boolean {
    const w = this.#bits;
    return ((w[Math.floor(seq / 32) % w.length] as number) & (1 << (seq % 32))) !== 0;
  }

  #set(seq: number): void {
    const w = this.#bits;
    const i = Math.floor(seq / 32) % w.length;
    w[i] = (w[i] as number) | (1 << (seq % 32));
  }
}
