import type { MacAlgorithm } from './algorithms.js';
import { checkMac, type MacOptions } from './checks.js';
import { constantTimeEqual } from './constant-time.js';
import { Secret } from './secret.js';

/**
 * What every key object of every engine shares: the bytes in a `Secret` (a `#private` field
 * there, reachable only through `use`), `destroy()` that wipes them, and a `toString` that
 * names the algorithm and nothing else.
 */
export abstract class KeyHolder {
  readonly #secret: Secret;

  constructor(
    readonly label: string,
    bytes: Uint8Array,
  ) {
    this.#secret = new Secret(label, bytes);
  }

  get destroyed(): boolean {
    return this.#secret.destroyed;
  }

  destroy(): void {
    this.#secret.destroy();
  }

  /** Run `fn` with the key bytes (engine code only). */
  protected withKey<T>(fn: (key: Uint8Array) => T): T {
    return this.#secret.use(fn);
  }

  toString(): string {
    return `[${this.label}]`;
  }
}

/**
 * MAC keys of any engine: the key checked and the output length fixed here; an engine
 * supplies only the full HMAC (`full`); truncation and the constant-time `verify` are shared.
 */
export abstract class MacKeyBase extends KeyHolder {
  readonly outputLength: number;

  constructor(
    readonly algorithm: MacAlgorithm,
    key: Uint8Array,
    truncateTo?: number,
    options?: MacOptions,
  ) {
    const outputLength = checkMac(algorithm, key, truncateTo, options);
    super(`mac ${algorithm}/${outputLength * 8}`, key);
    this.outputLength = outputLength;
  }

  /** The untruncated MAC of `parts` under `key`. */
  protected abstract full(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;

  compute(...parts: Uint8Array[]): Uint8Array {
    const full = this.withKey((k) => this.full(k, parts));
    return full.length === this.outputLength ? full : full.slice(0, this.outputLength);
  }

  verify(tag: Uint8Array, ...parts: Uint8Array[]): boolean {
    return constantTimeEqual(this.compute(...parts), tag);
  }
}
