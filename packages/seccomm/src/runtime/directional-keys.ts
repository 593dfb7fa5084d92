/**
 * One key per direction. A shared key index in the Keys table is the *base* secret both ends
 * hold; each micro-protocol derives from it, per epoch, a key for what the client sends and
 * another for what the server sends:
 *
 *   HKDF-SHA-256(ikm = key i, salt = "", info = "seccomm/1 <micro-protocol> key <i> <C→S | S→C> generation <g>")
 *
 * so the two directions never share a key (a reflected frame does not open; each direction's
 * nonce space is its own), two micro-protocols on one index never share one, and a live
 * connection's next generation, which carries the keys in force over, does not open the old
 * generation's frames. The Keys table and the key distributions keep handling base keys only.
 */
import type { CompositeProtocol } from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Keys, settings } from './context.js';
import { opposite, type Role } from './frame-header.js';
import { KeyObjects } from './key-table.js';

const enc = new TextEncoder();

export class DirectionalKeys<T extends { destroy(): void }> {
  /** Keys for what this end sends. */
  readonly send: KeyObjects<T>;
  /** Keys for what the peer sends. */
  readonly receive: KeyObjects<T>;

  constructor(
    c: CompositeProtocol,
    m: ResolvedMicroProtocol,
    length: number,
    make: (key: Uint8Array) => T,
  ) {
    const s = settings(c);
    const index = m.key ?? 1;
    const derived =
      (from: Role) =>
      (base: Uint8Array): T => {
        const info = enc.encode(
          `seccomm/1 ${label(m)} key ${index} ${from === 'client' ? 'C→S' : 'S→C'} generation ${s.generation ?? 0}`,
        );
        const k = s.engine.hkdf('sha256', base, new Uint8Array(0), info, length);
        try {
          return make(k);
        } finally {
          k.fill(0);
        }
      };
    const table = c.shared.get(Keys);
    this.send = new KeyObjects(table, index, derived(s.role));
    this.receive = new KeyObjects(table, index, derived(opposite(s.role)));
  }

  destroy(): void {
    this.send.destroy();
    this.receive.destroy();
  }
}
