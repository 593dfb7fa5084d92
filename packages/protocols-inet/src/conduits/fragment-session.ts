/**
 * The Fragment session (RFC 8200 §4.5, Java Conduits Figure 8): between IPv6 and the
 * next-header Mux. Going up it reassembles fragments, with a timeout, bounded memory per
 * source and in all (charged at what fragments really cost), fair eviction when full, and the
 * whole datagram discarded when fragments overlap (RFC 5722); exact duplicates are dropped
 * alone (§4.5 allows it, and links duplicate). Going down it splits packets larger than the
 * path MTU.
 */
import {
  defaultPool,
  Session,
  type Declaration,
  type Message,
  type MessagePool,
  type State,
} from '@conduits/core';
import { FRAGMENT_HEADER, IPV6_HEADER, IPV6_MIN_MTU, NextHeader } from '../codec/constants.js';
import { securityRelevant, type InetDropReason } from '../codec/drop-reasons.js';
import {
  readFragmentHeader,
  writeFragmentHeader,
  type FragmentFields,
} from '../codec/fragment-header.js';
import { DST, SRC } from '../codec/ipv6-header.js';
import { ipOffset, nextHeader, remoteAddress } from '../attributes.js';
import type { PathMtuCache } from './path-mtu.js';
import type { IcmpErrorSender } from './udp-session.js';

export interface FragmentConfig {
  /** Path MTU for outgoing packets. @default 1280 */
  readonly mtu?: number;
  /** Reassembly timeout, ms. @default 60000 (RFC 8200) */
  readonly timeout?: number;
  /** Memory held for one source address, as charged (payload + FRAGMENT_OVERHEAD per fragment + REASSEMBLY_OVERHEAD per datagram). @default 262144 */
  readonly maxBytesPerSource?: number;
  /** Memory held for all sources together, as charged. @default 4194304 */
  readonly maxBytes?: number;
  /** Datagrams being reassembled at once, all sources together. @default 256 */
  readonly maxReassemblies?: number;
  /** Datagrams being reassembled at once for one source, so one flooding source cannot take every slot. @default 16 */
  readonly maxReassembliesPerSource?: number;
  readonly pool?: MessagePool;
  /** Per-destination MTUs learned from Packet Too Big (RFC 8201). */
  readonly pathMtu?: PathMtuCache;
  /** Where to report a reassembly that timed out with its first fragment (Time Exceeded, code 1). */
  readonly errors?: IcmpErrorSender;
}

/**
 * What holding one fragment costs beyond its payload bytes: the piece record, the copied
 * Uint8Array with its ArrayBuffer, the slot in the piece list (an 8-byte fragment measured
 * ~260 heap bytes). Charging payload bytes alone let a flood of 8-byte fragments hold 30 times
 * what the limits said.
 */
export const FRAGMENT_OVERHEAD = 256;
/** What one datagram under reassembly costs before any fragment: its record, map entry, key string and timer. */
export const REASSEMBLY_OVERHEAD = 512;

interface Piece {
  readonly offset: number;
  readonly end: number;
  readonly data: Uint8Array;
}

interface Reassembly {
  readonly source: string;
  /** Disjoint, in offset order: an arriving fragment is checked against its two neighbours only. */
  readonly pieces: Piece[];
  /** Payload bytes held. */
  bytes: number;
  /** Memory charged: payload, per-fragment and per-datagram overheads. */
  cost: number;
  /** The highest end of any piece held. */
  maxEnd: number;
  total: number;
  nextHeader: number;
  header: Uint8Array | null;
}

export interface FragmentData {
  readonly reassemblies: Map<string, Reassembly>;
  /** Memory charged per source (see FRAGMENT_OVERHEAD). */
  readonly bytesBySource: Map<string, number>;
  readonly countBySource: Map<string, number>;
  /** Memory charged, all sources together. */
  bytesHeld: number;
  nextId: number;
}

const fields: FragmentFields = { nextHeader: 0, offset: 0, more: false, id: 0 };
const hex = (b: Uint8Array, from: number, to: number): string =>
  Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('hex');

export function fragmentState(config: FragmentConfig = {}): State<FragmentData> {
  const linkMtu = Math.max(IPV6_MIN_MTU, config.mtu ?? IPV6_MIN_MTU);
  const timeout = config.timeout ?? 60_000;
  const maxPerSource = config.maxBytesPerSource ?? 256 * 1024;
  const maxBytes = config.maxBytes ?? 4 * 1024 * 1024;
  const maxReassemblies = config.maxReassemblies ?? 256;
  const maxPerSourceCount = config.maxReassembliesPerSource ?? 16;
  const pool = config.pool ?? defaultPool;

  const charge = (d: FragmentData, r: Reassembly, cost: number): void => {
    r.cost += cost;
    d.bytesHeld += cost;
    d.bytesBySource.set(r.source, (d.bytesBySource.get(r.source) ?? 0) + cost);
  };
  const discard = (s: Session<FragmentData>, key: string): void => {
    const d = s.data;
    const r = d.reassemblies.get(key);
    if (r === undefined) return;
    d.reassemblies.delete(key);
    s.cancelTimer(key);
    d.bytesHeld -= r.cost;
    const left = (d.bytesBySource.get(r.source) ?? 0) - r.cost;
    if (left > 0) d.bytesBySource.set(r.source, left);
    else d.bytesBySource.delete(r.source);
    const n = (d.countBySource.get(r.source) ?? 0) - 1;
    if (n > 0) d.countBySource.set(r.source, n);
    else d.countBySource.delete(r.source);
  };
  const reject = (
    s: Session<FragmentData>,
    msg: Message,
    key: string | null,
    reason: InetDropReason,
  ): void => {
    if (key !== null) discard(s, key);
    s.drop(msg, reason, securityRelevant.has(reason));
  };
  /**
   * Fair eviction: make room for `source` (a reassembly slot when `slot`, `cost` more bytes)
   * by discarding the oldest reassembly of the source holding the most (slots or bytes). A
   * crowd of spoofed sources thus pushes out each other, not the newcomer; a source that is
   * itself the heaviest is refused instead. False when `source` must be refused.
   */
  const makeRoom = (
    s: Session<FragmentData>,
    source: string,
    slot: boolean,
    cost: number,
    keep: string | null,
  ): boolean => {
    const d = s.data;
    for (;;) {
      const needSlot = slot && d.reassemblies.size >= maxReassemblies;
      if (!needSlot && d.bytesHeld + cost <= maxBytes) return true;
      const by = needSlot ? d.countBySource : d.bytesBySource;
      let victim: string | null = null;
      let most = -1;
      for (const [src, n] of by) {
        if (n > most) {
          most = n;
          victim = src;
        }
      }
      if (victim === null || victim === source) return false;
      let oldest: string | null = null;
      for (const [k, r] of d.reassemblies) {
        if (r.source === victim && k !== keep) {
          oldest = k;
          break;
        }
      }
      if (oldest === null) return false;
      discard(s, oldest);
      s.graph.drops.count(s.name, 'fragment-evicted');
      s.graph.securityAlert(s, 'fragment-evicted');
    }
  };

  return {
    name: 'fragment',
    declares: fragmentDeclaration,
    accept(s, msg, from) {
      if (from === 'B') return fragmentOut(s, msg);
      if (msg.get(nextHeader) !== NextHeader.FRAGMENT) return s.send('B', msg);
      const b = msg.buffer;
      const r0 = readFragmentHeader(b, fields);
      if (r0 !== null) return reject(s, msg, null, r0);
      b.pull(FRAGMENT_HEADER);
      if (fields.offset === 0 && !fields.more) {
        // An atomic fragment (RFC 6946): process it as a whole packet.
        msg.set(nextHeader, fields.nextHeader);
        return s.send('B', msg);
      }
      const len = b.length;
      if (fields.more && len % 8 !== 0) return reject(s, msg, null, 'fragment-bad-length');
      if (len === 0 && fields.more) return reject(s, msg, null, 'fragment-bad-length');
      if (fields.offset + len > 65535) return reject(s, msg, null, 'fragment-too-large');
      const d = s.data;
      const ipAt = msg.get(ipOffset) ?? 0;
      const source = hex(b.bytes, ipAt + SRC, ipAt + SRC + 16);
      const key = `${source}|${hex(b.bytes, ipAt + DST, ipAt + DST + 16)}|${fields.id}`;
      let r = d.reassemblies.get(key);
      if (r === undefined) {
        const mine = d.countBySource.get(source) ?? 0;
        if (mine >= maxPerSourceCount || !makeRoom(s, source, true, REASSEMBLY_OVERHEAD, null))
          return reject(s, msg, null, 'fragment-memory-limit');
        r = {
          source,
          pieces: [],
          bytes: 0,
          cost: 0,
          maxEnd: 0,
          total: -1,
          nextHeader: -1,
          header: null,
        };
        d.reassemblies.set(key, r);
        d.countBySource.set(source, mine + 1);
        charge(d, r, REASSEMBLY_OVERHEAD);
        s.setTimer(timeout, key);
      }
      const offset = fields.offset;
      const end = offset + len;
      // The pieces are disjoint and sorted: the new one can only meet the piece before it and the one at its place.
      const pieces = r.pieces;
      const at = firstAtOrAfter(pieces, offset);
      const next = pieces[at];
      if (
        next !== undefined &&
        next.offset === offset &&
        next.end === end &&
        bytesEqual(next.data, b.bytes, b.start)
      )
        return s.drop(msg, 'fragment-duplicate');
      if (
        (next !== undefined && next.offset < end) ||
        (at > 0 && (pieces[at - 1] as Piece).end > offset)
      )
        return reject(s, msg, key, 'fragment-overlap');
      if (!fields.more) {
        if (r.total >= 0 && r.total !== end) return reject(s, msg, key, 'fragment-bad-length');
        r.total = end;
      }
      if (r.total >= 0 && (end > r.total || r.maxEnd > r.total))
        return reject(s, msg, key, 'fragment-bad-length');
      const cost = len + FRAGMENT_OVERHEAD;
      if (
        (d.bytesBySource.get(source) ?? 0) + cost > maxPerSource ||
        !makeRoom(s, source, false, cost, key)
      )
        return reject(s, msg, key, 'fragment-memory-limit');
      pieces.splice(at, 0, { offset, end, data: b.copy() });
      r.bytes += len;
      if (end > r.maxEnd) r.maxEnd = end;
      charge(d, r, cost);
      if (offset === 0) {
        r.nextHeader = fields.nextHeader;
        r.header = b.bytes.slice(ipAt, ipAt + IPV6_HEADER);
      }
      msg.release();
      if (r.total < 0 || r.header === null || r.bytes !== r.total) return;
      // Complete: no overlaps and bytes == total means the pieces tile [0, total).
      discard(s, key);
      const out = pool.acquire();
      const ob = out.buffer;
      const hAt = ob.append(IPV6_HEADER);
      ob.bytes.set(r.header, hAt);
      ob.view.setUint16(hAt + 4, r.total);
      const dAt = ob.append(r.total);
      for (const p of pieces) ob.bytes.set(p.data, dAt + p.offset);
      out.set(ipOffset, hAt);
      ob.pull(IPV6_HEADER);
      out.set(nextHeader, r.nextHeader);
      s.send('B', out);
    },
    timeout(s, key) {
      const r = s.data.reassemblies.get(key);
      if (r === undefined) return;
      discard(s, key);
      s.graph.drops.count(s.name, 'fragment-timeout');
      // RFC 8200 §4.5: Time Exceeded (fragment reassembly) to the source, if the first fragment arrived.
      const first = r.pieces[0];
      if (
        config.errors !== undefined &&
        r.header !== null &&
        first !== undefined &&
        first.offset === 0
      ) {
        const m = pool.acquire();
        const hAt = m.buffer.append(IPV6_HEADER);
        m.buffer.bytes.set(r.header, hAt);
        m.buffer.appendBytes(first.data);
        m.set(ipOffset, hAt);
        m.buffer.pull(IPV6_HEADER);
        m.set(nextHeader, r.nextHeader);
        config.errors.sendError(3, 1, 0, m);
        m.release();
      }
    },
  };

  function fragmentOut(s: Session<FragmentData>, msg: Message): void {
    const b = msg.buffer;
    const dst = msg.get(remoteAddress);
    const mtu =
      config.pathMtu !== undefined && dst !== undefined
        ? config.pathMtu.get(dst, 0, s.graph.scheduler.now())
        : linkMtu;
    if (b.length + IPV6_HEADER <= mtu) return s.send('A', msg);
    const nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
    const chunk = Math.floor((mtu - IPV6_HEADER - FRAGMENT_HEADER) / 8) * 8;
    const id = (s.data.nextId = (s.data.nextId + 1) >>> 0);
    for (let off = 0; off < b.length; off += chunk) {
      const n = Math.min(chunk, b.length - off);
      const f = pool.acquire();
      f.buffer.appendBytes(b.bytes.subarray(b.start + off, b.start + off + n));
      writeFragmentHeader(f.buffer, nh, off, off + n < b.length, id);
      f.set(nextHeader, NextHeader.FRAGMENT);
      if (dst !== undefined) f.set(remoteAddress, dst);
      s.send('A', f);
    }
    msg.release();
  }
}

/** Index of the first piece whose offset is >= `offset` (binary search). */
function firstAtOrAfter(pieces: readonly Piece[], offset: number): number {
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pieces[mid] as Piece).offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bytesEqual(a: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[at + i]) return false;
  return true;
}

/** Unfragmented packets pass unchanged; reassembled ones get the attributes of the whole packet. */
export const fragmentDeclaration: Declaration = {
  role: 'inet.fragment',
  fromA: { requires: [ipOffset, nextHeader], writes: [ipOffset, nextHeader] },
  fromB: { reads: [remoteAddress, nextHeader], writes: [nextHeader, remoteAddress] },
};

export function fragmentSession(
  config: FragmentConfig = {},
  firstId = 0x5eed0000,
): Session<FragmentData> {
  return new Session<FragmentData>('fragment', {
    initial: fragmentState(config),
    data: () => ({
      reassemblies: new Map(),
      bytesBySource: new Map(),
      countBySource: new Map(),
      bytesHeld: 0,
      nextId: firstId,
    }),
  });
}
