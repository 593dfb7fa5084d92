/**
 * The Internet checksum (RFC 1071) and the IPv6 pseudo-header (RFC 8200 §8.1) used by UDP
 * and ICMPv6: source, destination, upper-layer length (u32), next header (u32).
 *
 * Words are read 32 bits at a time through a DataView: the ones'-complement sum of two
 * 16-bit halves is the same as adding them one by one (RFC 1071 §2), at half the loads.
 */

/** Ones'-complement sum of view[from, to) added to `sum` (not folded). */
export function sumView(view: DataView, from: number, to: number, sum = 0): number {
  let i = from;
  for (; i + 3 < to; i += 4) {
    const w = view.getUint32(i);
    sum += (w >>> 16) + (w & 0xffff);
  }
  if (i + 1 < to) {
    sum += view.getUint16(i);
    i += 2;
  }
  if (i < to) sum += view.getUint8(i) << 8;
  // Keep the running sum small so it stays a small integer.
  return (sum & 0xffff) + (sum >>> 16);
}

/** Ones'-complement sum of bytes[from, to) added to `sum` (not folded). */
export function sum16(bytes: Uint8Array, from: number, to: number, sum = 0): number {
  return sumView(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), from, to, sum);
}

export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

function sumAddress(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < 16; i += 2) s += ((a[i] as number) << 8) | (a[i + 1] as number);
  return s;
}

/**
 * Checksum of an upper-layer message at [from, to) of `view` under the pseudo-header whose
 * addresses are at srcAt/dstAt of the same view, or given as `src`/`dst`. With the checksum
 * field zeroed this is the value to write; over a received message it is 0 when right.
 */
export function pseudoHeaderChecksum(
  view: DataView,
  srcAt: number,
  dstAt: number,
  src: Uint8Array | null,
  dst: Uint8Array | null,
  nextHeader: number,
  from: number,
  to: number,
): number {
  const len = to - from;
  let s = (len >>> 16) + (len & 0xffff) + nextHeader;
  // Addresses straight before the upper-layer message (no extension headers): one sweep.
  if (src === null && dst === null && dstAt === srcAt + 16 && from === dstAt + 16)
    return ~fold(sumView(view, srcAt, to, s)) & 0xffff;
  s += src === null ? sumView(view, srcAt, srcAt + 16) : sumAddress(src);
  s += dst === null ? sumView(view, dstAt, dstAt + 16) : sumAddress(dst);
  s = sumView(view, from, to, s);
  return ~fold(s) & 0xffff;
}
