/**
 * IPv6 fragments put back together across the frames of a capture, as tshark does: each
 * fragment is reported, and the frame that completes a datagram carries the whole of it.
 * Bounded: at most 256 datagrams pending (the oldest evicted), each at most 65,535 bytes long
 * and holding at most 128 KiB of fragment data (overlaps and repeats count), else dropped.
 */
export interface Fragment {
  readonly id: number;
  readonly offset: number;
  readonly more: boolean;
  /** Next header of the fragmentable part (meaningful in the first fragment). */
  readonly nextHeader: number;
  readonly data: Uint8Array;
}

export interface Reassembled {
  readonly nextHeader: number;
  readonly payload: Uint8Array;
  /** Frames of the fragments, in offset order. */
  readonly frames: readonly number[];
}

interface Pending {
  readonly pieces: { readonly frame: number; readonly f: Fragment }[];
  held: number;
}

const MAX_PENDING = 256;
const MAX_LENGTH = 65_535;
const MAX_HELD = 128 * 1024;

/** The fragment header at the start of `p` (RFC 8200 §4.5), or null when it is cut short. */
export function parseFragment(p: Uint8Array): Fragment | null {
  if (p.length < 8) return null;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const om = v.getUint16(2);
  return {
    nextHeader: p[0] as number,
    offset: om & 0xfff8,
    more: (om & 1) === 1,
    id: v.getUint32(4),
    data: p.subarray(8),
  };
}

export class Reassembler {
  readonly #pending = new Map<string, Pending>();

  /** Add a fragment; the whole datagram when this one completes it. */
  add(frame: number, src: string, dst: string, f: Fragment): Reassembled | null {
    const key = `${src} ${dst} ${f.id}`;
    let p = this.#pending.get(key);
    if (p === undefined) {
      if (this.#pending.size >= MAX_PENDING)
        this.#pending.delete(this.#pending.keys().next().value as string);
      p = { pieces: [], held: 0 };
      this.#pending.set(key, p);
    }
    p.held += f.data.length;
    if (f.offset + f.data.length > MAX_LENGTH || p.held > MAX_HELD) {
      this.#pending.delete(key);
      return null;
    }
    p.pieces.push({ frame, f });
    const last = p.pieces.find((x) => !x.f.more);
    if (last === undefined) return null;
    const total = last.f.offset + last.f.data.length;
    const sorted = [...p.pieces].sort((a, b) => a.f.offset - b.f.offset);
    let covered = 0;
    for (const x of sorted) {
      if (x.f.offset > covered) return null;
      covered = Math.max(covered, x.f.offset + x.f.data.length);
    }
    if (covered < total || sorted[0]?.f.offset !== 0) return null;
    const payload = new Uint8Array(total);
    for (const x of sorted)
      payload.set(x.f.data.subarray(0, Math.max(0, total - x.f.offset)), x.f.offset);
    this.#pending.delete(key);
    return {
      nextHeader: (sorted[0] as { f: Fragment }).f.nextHeader,
      payload,
      frames: sorted.map((x) => x.frame),
    };
  }
}
