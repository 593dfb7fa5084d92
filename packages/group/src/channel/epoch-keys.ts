import type { AeadKey, CryptoEngine } from '@conduits/crypto';

const te = new TextEncoder();

/**
 * The data keys of a group, one per key epoch, derived from the epoch's group key (the LKH
 * root): K_data(e) = HKDF-SHA256(K_g(e), salt = group id, info = "conduits-group data" ‖ e).
 * Keeps the current and the previous epoch (frames in flight across a rekey); older keys are
 * destroyed, so a frame of an older epoch cannot be opened any more.
 */
export class EpochKeys {
  #current: AeadKey | null = null;
  #currentEpoch = -1;
  #previous: AeadKey | null = null;
  #previousEpoch = -1;

  constructor(
    private readonly engine: CryptoEngine,
    private readonly group: Uint8Array,
  ) {}

  get epoch(): number {
    return this.#currentEpoch;
  }

  /** Install epoch `epoch`'s group key (copied into the derived key; the caller keeps and wipes its own). */
  install(epoch: number, groupKey: Uint8Array): void {
    const info = new Uint8Array([
      ...te.encode('conduits-group data'),
      epoch >>> 24,
      (epoch >>> 16) & 0xff,
      (epoch >>> 8) & 0xff,
      epoch & 0xff,
    ]);
    const k = this.engine.hkdf('sha256', groupKey, this.group, info, 32);
    const key = this.engine.aead('aes-256-gcm', k);
    k.fill(0);
    this.#previous?.destroy();
    this.#previous = this.#current;
    this.#previousEpoch = this.#currentEpoch;
    this.#current = key;
    this.#currentEpoch = epoch;
  }

  /** The key of `epoch` if still held. */
  key(epoch: number): AeadKey | null {
    if (epoch === this.#currentEpoch) return this.#current;
    if (epoch === this.#previousEpoch) return this.#previous;
    return null;
  }

  /** Forget every key (leaving, expelled, closed). */
  destroy(): void {
    this.#current?.destroy();
    this.#previous?.destroy();
    this.#current = this.#previous = null;
    this.#currentEpoch = this.#previousEpoch = -1;
  }
}
