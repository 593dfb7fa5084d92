/**
 * Path MTU discovery for IPv6 (RFC 8201): Packet Too Big messages lower the MTU used toward a
 * destination; an estimate expires after ten minutes so the path is probed again. MTUs below
 * 1280 are never used (RFC 8201 §4).
 */
import { IPV6_MIN_MTU } from '../codec/constants.js';

export class PathMtuCache {
  readonly #entries = new Map<string, { mtu: number; until: number }>();

  constructor(
    readonly linkMtu: number,
    /** @default 600000 (RFC 8201 §4: at least 5 minutes, 10 recommended) */
    readonly lifetime = 600_000,
  ) {}

  /** The MTU toward the address at bytes[at..at+16). */
  get(bytes: Uint8Array, at: number, now: number): number {
    if (this.#entries.size === 0) return this.linkMtu;
    const e = this.#entries.get(key(bytes, at));
    if (e === undefined) return this.linkMtu;
    if (e.until <= now) {
      this.#entries.delete(key(bytes, at));
      return this.linkMtu;
    }
    return e.mtu;
  }

  /** A Packet Too Big said `mtu` toward this destination. */
  lower(bytes: Uint8Array, at: number, mtu: number, now: number): void {
    const m = Math.max(IPV6_MIN_MTU, Math.min(mtu, this.linkMtu));
    const k = key(bytes, at);
    const old = this.#entries.get(k);
    if (old === undefined || m < old.mtu || old.until <= now) this.#entries.set(k, { mtu: m, until: now + this.lifetime });
  }
}

function key(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += String.fromCharCode(bytes[at + i] as number);
  return s;
}
