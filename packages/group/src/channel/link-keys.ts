import type { CryptoEngine, MacKey } from '@conduits/crypto';

const te = new TextEncoder();
const UP = te.encode('conduits-group link up');
const DOWN = te.encode('conduits-group link down');
const CONTROL_UP = te.encode('conduits-group control up');
const CONTROL_DOWN = te.encode('conduits-group control down');

/**
 * The keys a member and the leader derive from their per-session K_a: one per direction, so a
 * frame reflected back to its sender does not verify. K_a itself never keys anything.
 */
export interface LinkKeys {
  /** Hop tags member → leader. */
  readonly up: MacKey;
  /** Hop tags leader → member. */
  readonly down: MacKey;
  /** Control messages member → leader (AEAD key bytes; the caller wipes them). */
  readonly controlUp: Uint8Array;
  /** Control messages leader → member. */
  readonly controlDown: Uint8Array;
}

export function linkKeys(engine: CryptoEngine, ka: Uint8Array, group: Uint8Array): LinkKeys {
  const derive = (label: Uint8Array) => engine.hkdf('sha256', ka, group, label, 32);
  const up = derive(UP);
  const down = derive(DOWN);
  const keys = {
    up: engine.mac('hmac-sha256', up, 16),
    down: engine.mac('hmac-sha256', down, 16),
    controlUp: derive(CONTROL_UP),
    controlDown: derive(CONTROL_DOWN),
  };
  up.fill(0);
  down.fill(0);
  return keys;
}
