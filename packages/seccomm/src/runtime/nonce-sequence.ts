/**
 * AEAD nonces that never repeat under a key: 4 random bytes for the connection ‖ a 64-bit
 * count of the messages sent under the current base key (one direction: the key is that
 * direction's own, see DirectionalKeys). A new base key starts a new count. Past `limit`
 * messages under one key no nonce is given (the sender refuses); at three quarters of it
 * `nearLimit` is called once — micro-protocols whose key is distributed ask for a new one.
 * One 12-byte buffer, rewritten per message.
 */
export class NonceSequence {
  readonly #nonce = new Uint8Array(12);
  readonly #view = new DataView(this.#nonce.buffer);
  readonly #rekeyAt: number;
  #under: Uint8Array | undefined;
  #count = 0;
  #asked = false;

  constructor(
    prefix: Uint8Array,
    readonly limit: number,
    private readonly nearLimit: (() => void) | null,
  ) {
    this.#nonce.set(prefix.subarray(0, 4));
    this.#rekeyAt = Math.max(1, limit - Math.max(1, Math.floor(limit / 4)));
  }

  /** The next nonce under base key `under` (valid until the next call), or null when its limit is reached. */
  next(under: Uint8Array | undefined): Uint8Array | null {
    if (under !== this.#under) {
      this.#under = under;
      this.#count = 0;
      this.#asked = false;
    }
    if (this.#count >= this.limit) return null;
    if (++this.#count >= this.#rekeyAt && !this.#asked && this.nearLimit !== null) {
      this.#asked = true;
      this.nearLimit();
    }
    this.#view.setUint32(4, Math.floor(this.#count / 2 ** 32));
    this.#view.setUint32(8, this.#count >>> 0);
    return this.#nonce;
  }
}
