/**
 * Path MTU discovery for IPv6 (RFC 8201): Packet Too Big messages lower the MTU used toward a
 * destination; an estimate expires after ten minutes so the path is probed again. MTUs below
 * 1280 are never used (RFC 8201 §4).
 *
 * Anyone can send a Packet Too Big, so the cache is bounded (`maxEntries`, the oldest estimate
 * goes first) and forgets on the scheduler's clock: entries are kept in expiry order (a
 * refreshed entry moves to the back), and every `lower` drops the expired ones from the front,
 * whether or not anyone looks them up again. The ICMPv6 session believes a PTB only if the
 * packet it quotes could be ours (`checkPacketTooBig`).
 */
import { IPV6_MIN_MTU } from '../codec/constants.js';

interface Estimate {
  readonly mtu: number;
  readonly until: number;
}

export class PathMtuCache {
  readonly #entries = new Map<string, Estimate>();

  constructor(
    readonly linkMtu: number,
    /** @default 600000 (RFC 8201 §4: at least 5 minutes, 10 recommended) */
    readonly lifetime = 600_000,
    /** Destinations remembered at once. @default 1024 */
    readonly maxEntries = 1024,
  ) {}

  /** Destinations with an estimate (expired ones included until the next `lower` or lookup). */
  get size(): number {
    return this.#entries.size;
  }

  /** The MTU toward the address at bytes[at..at+16). */
  get(bytes: Uint8Array, at: number, now: number): number {
    if (this.#entries.size === 0) return this.linkMtu;
    const k = key(bytes, at);
    const e = this.#entries.get(k);
    if (e === undefined) return this.linkMtu;
    if (e.until <= now) {
      this.#entries.delete(k);
      return this.linkMtu;
    }
    return e.mtu;
  }

  /** A Packet Too Big said `mtu` toward this destination. */
  lower(bytes: Uint8Array, at: number, mtu: number, now: number): void {
    this.#expire(now);
    const m = Math.max(IPV6_MIN_MTU, Math.min(mtu, this.linkMtu));
    if (m >= this.linkMtu) return;
    const k = key(bytes, at);
    const old = this.#entries.get(k);
    if (old !== undefined) {
      if (old.until > now && m >= old.mtu) return;
      this.#entries.delete(k); // set again below, at the back: insertion order stays expiry order
    } else if (this.#entries.size >= this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(k, { mtu: m, until: now + this.lifetime });
  }

  #expire(now: number): void {
    for (const [k, e] of this.#entries) {
      if (e.until > now) break;
      this.#entries.delete(k);
    }
  }
}

function key(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += String.fromCharCode(bytes[at + i] as number);
  return s;
}
