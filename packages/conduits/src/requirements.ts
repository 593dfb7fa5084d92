import type { AttrKey } from './attributes.js';
import type { Conduit } from './conduit.js';
import type { AttributeUse } from './declaration.js';
import { MissingAttributeError } from './errors.js';
import type { Mux } from './mux.js';
import type { Port } from './port.js';

/**
 * The builder's check of declared requirements: for every attribute a conduit requires on
 * the messages coming in through a side, each way a message can arrive there must pass a
 * conduit that writes it. A walk goes on through declared conduits that do not write it; it
 * stops, satisfied, at a conduit that declares nothing (it may write anything: not known, so
 * not refused), and has found a path without the attribute at a declared adaptor whose
 * injected messages do not carry it. Routes a mux's factory will add later are not known
 * here, so only the routes installed when the graph is built are walked.
 */
export function checkRequirements(conduits: readonly Conduit[]): void {
  for (const c of conduits) {
    const d = c.declared?.();
    if (d === undefined) continue;
    for (const [use, side] of [
      [d.fromA, 'A'],
      [d.fromB, 'B'],
    ] as const) {
      for (const key of use?.requires ?? []) {
        for (const p of arrivals(c, side)) {
          const missing = pathWithout(p, key, new Set());
          if (missing !== null) throw new MissingAttributeError(c.name, p.label, key.name, missing);
        }
      }
    }
  }
}

/** The ports of `c` on `side` through which messages arrive. */
function arrivals(c: Conduit, side: 'A' | 'B'): Port[] {
  if (side === 'A') return [c.a];
  return c
    .ports()
    .filter((p) => p.side === 'B' && p.peer !== null && p.peer.owner.kind !== 'factory');
}

/**
 * Follow a message arriving at `port` back to where it came from; the name of the place a
 * path without `key` starts, or null when every path writes it.
 */
function pathWithout(port: Port, key: AttrKey<unknown>, seen: Set<Port>): string | null {
  if (seen.has(port)) return null;
  seen.add(port);
  const from = port.peer;
  if (from === null) return null; // nothing arrives through an unconnected side
  const o = from.owner;
  const d = o.declared?.();
  if (d === undefined || o.kind === 'factory') return null;
  if (o.kind === 'adaptor') return writes(d.fromOutside, key) ? null : o.name;
  // The message left `o` through `from`: it came in through the other side.
  if (from.side === 'B') {
    if (writes(d.fromA, key)) return null;
    return pathWithout(o.a, key, seen);
  }
  if (writes(d.fromB, key)) return null;
  const inner =
    o.kind === 'mux'
      ? (o as Mux<unknown>).ports().filter((p) => p.side === 'B' && p.index > 0)
      : o.ports().filter((p) => p.side === 'B');
  for (const p of inner) {
    const missing = pathWithout(p, key, seen);
    if (missing !== null) return missing;
  }
  return null;
}

function writes(use: AttributeUse | undefined, key: AttrKey<unknown>): boolean {
  return use?.writes?.includes(key) ?? false;
}
