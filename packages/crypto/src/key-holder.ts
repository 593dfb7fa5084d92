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

/** MAC keys of any engine: `verify` recomputes and compares in constant time. */
export abstract class MacKeyBase extends KeyHolder {
  abstract compute(...parts: Uint8Array[]): Uint8Array;

  verify(tag: Uint8Array, ...parts: Uint8Array[]): boolean {
    return constantTimeEqual(this.compute(...parts), tag);
  }
}
