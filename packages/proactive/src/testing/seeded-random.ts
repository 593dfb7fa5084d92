/** A deterministic byte stream (SHA-256 in counter mode) for tests and benches: never for keys in use. */
import type { RandomSource } from '@conduits/crypto';
import { sha256 } from '@noble/hashes/sha2.js';

export function seededRandom(seed: string): RandomSource {
  const prefix = new TextEncoder().encode(`${seed}/`);
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = new Uint8Array(prefix.length + 4);
      block.set(prefix);
      new DataView(block.buffer).setUint32(prefix.length, counter++);
      out.set(sha256(block).subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}
