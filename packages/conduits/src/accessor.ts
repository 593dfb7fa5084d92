import type { Declaration } from './declaration.js';
import type { Message } from './message.js';

/**
 * Reads (and, for outgoing messages, writes) the demux key of a message: the Strategy a Mux
 * uses (§3.5). Keys should be numbers or interned strings so lookups allocate nothing.
 */
export interface Accessor<K> {
  readonly name: string;
  /** What the mux reads and requires (the key's attribute) and writes (what `stamp` sets). */
  readonly declares?: Declaration;
  /** The key of a message arriving at the mux's side A, or undefined if it has none. */
  key(msg: Message): K | undefined;
  /** Mark a message leaving through side A that came from the side B[i] serving `key`. */
  stamp?(msg: Message, key: K): void;
  /** How to print a key in errors and graph exports. */
  format?(key: K): string;
}
