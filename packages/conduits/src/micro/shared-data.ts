/** A typed name for a shared data structure of a composite protocol (Cactus §2.3: `Keys`, `PublicKeys`, `Participants`). */
export interface SharedKey<T> {
  readonly name: string;
  /** Builds the initial value in each composite instance. */
  readonly init: () => T;
}

export function sharedKey<T>(name: string, init: () => T): SharedKey<T> {
  return { name, init };
}

/** The shared data of one composite protocol instance: each key gets its own fresh value on first use. */
export class SharedData {
  readonly #values = new Map<SharedKey<unknown>, unknown>();

  get<T>(key: SharedKey<T>): T {
    let v = this.#values.get(key as SharedKey<unknown>);
    if (v === undefined && !this.#values.has(key as SharedKey<unknown>)) {
      v = key.init();
      this.#values.set(key as SharedKey<unknown>, v);
    }
    return v as T;
  }

  set<T>(key: SharedKey<T>, value: T): void {
    this.#values.set(key as SharedKey<unknown>, value);
  }

  has(key: SharedKey<unknown>): boolean {
    return this.#values.has(key);
  }

  names(): string[] {
    return [...this.#values.keys()].map((k) => k.name);
  }
}
