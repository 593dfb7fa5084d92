/**
 * A sliding replay window per sender (RFC 4303 §3.4.3's, any width): accepts a sequence
 * number once, refuses one seen before or one too far behind the highest seen. The bitmap is
 * a ring of flags, so checking and marking allocate nothing.
 */
export type WindowVerdict = 'fresh' | 'replay' | 'too-old';

export class ReplayWindow {
  readonly #seen: Uint8Array;
  /** Highest sequence number accepted, -1 before any. */
  #top = -1;

  constructor(readonly width = 128) {
    this.#seen = new Uint8Array(width);
  }

  get top(): number {
    return this.#top;
  }

  /** Would `seq` be accepted? (Check before the AEAD opens; mark only after it verified.) */
  check(seq: number): WindowVerdict {
    if (seq > this.#top) return 'fresh';
    if (seq <= this.#top - this.width) return 'too-old';
    return this.#seen[seq % this.width] === 1 ? 'replay' : 'fresh';
  }

  /** Record `seq` as received (after `check` said fresh and the frame verified). */
  mark(seq: number): void {
    const w = this.width;
    if (seq > this.#top) {
      // Slots between the old top and seq become "not seen".
      const gap = Math.min(seq - this.#top, w);
      for (let i = 1; i < gap; i++) this.#seen[(seq - i) % w] = 0;
      this.#top = seq;
    }
    this.#seen[seq % w] = 1;
  }
}
