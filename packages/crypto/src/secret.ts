import { KeyDestroyedError } from './errors.js';

/**
 * Key bytes behind a `#private` field: readable only by the engine code that created this
 * object (through `use`), wiped by `destroy()`, never printed.
 */
export class Secret {
  #bytes: Uint8Array | null;

  constructor(
    readonly algorithm: string,
    bytes: Uint8Array,
  ) {
    // Own copy, so the caller can wipe theirs.
    this.#bytes = Uint8Array.from(bytes);
  }

  get length(): number {
    return this.#bytes?.length ?? 0;
  }

  get destroyed(): boolean {
    return this.#bytes === null;
  }

  /** Run `fn` with the key bytes. Engines only. */
  use<T>(fn: (bytes: Uint8Array) => T): T {
    if (this.#bytes === null) throw new KeyDestroyedError(this.algorithm);
    return fn(this.#bytes);
  }

  destroy(): void {
    this.#bytes?.fill(0);
    this.#bytes = null;
  }

  toString(): string {
    return `[secret ${this.algorithm}${this.#bytes === null ? ', destroyed' : `, ${this.#bytes.length} bytes`}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
