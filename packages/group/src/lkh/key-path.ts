/**
 * A member's keys in the hierarchy: those on the path from its leaf to the root. A rekey's
 * entries come bottom-up, so a key replaced lower on the path unwraps the next one up.
 */
import { ENTRY, KEY, entryNode, unwrap, type WrapContext } from './wrap.js';

export class KeyPath {
  readonly #keys = new Map<number, Uint8Array>();

  constructor(
    readonly ctx: WrapContext,
    readonly leaf: number,
    path: readonly { node: number; key: Uint8Array }[],
  ) {
    for (const { node, key } of path) this.#keys.set(node, Uint8Array.from(key));
  }

  /** The group key (root), or null if not held. */
  get root(): Uint8Array | null {
    return this.#keys.get(1) ?? null;
  }

  has(node: number): boolean {
    return this.#keys.has(node);
  }

  /**
   * Take the entries of a rekey to `epoch` meant for this path. Returns the nodes replaced, or
   * null if an entry for this path did not verify (a forged or damaged rekey: nothing changed).
   */
  apply(epoch: number, entries: Uint8Array): number[] | null {
    const staged = new Map<number, Uint8Array>();
    for (let at = 0; at + ENTRY <= entries.length; at += ENTRY) {
      const { node, under } = entryNode(entries, at);
      if (!this.#keys.has(node)) continue;
      const wrapKey = staged.get(under) ?? this.#keys.get(under);
      if (wrapKey === undefined || staged.has(node)) continue;
      const key = unwrap(this.ctx, epoch, entries, at, wrapKey);
      if (key === null || key.length !== KEY) {
        for (const k of staged.values()) k.fill(0);
        return null;
      }
      staged.set(node, key);
    }
    for (const [node, key] of staged) {
      this.#keys.get(node)?.fill(0);
      this.#keys.set(node, key);
    }
    return [...staged.keys()];
  }

  /** Replace the whole path (a key retransmission). */
  replace(path: readonly { node: number; key: Uint8Array }[]): void {
    this.destroy();
    for (const { node, key } of path) this.#keys.set(node, Uint8Array.from(key));
  }

  destroy(): void {
    for (const k of this.#keys.values()) k.fill(0);
    this.#keys.clear();
  }
}
