/**
 * The Internet checksum (RFC 1071) and the IPv6 pseudo-header (RFC 8200 §8.1) used by UDP
 * and ICMPv6: source, destination, upper-layer length (u32), next header (u32).
 */

/** Ones'-complement sum of bytes[from, to) added to `sum` (not folded). */
export function sum16(bytes: Uint8Array, from: number, to: number, sum = 0): number {
  let i = from;
  for (; i + 1 < to; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < to) sum += (bytes[i] as number) << 8;
  return sum;
}

export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * Checksum of an upper-layer message at bytes[from, to) under the pseudo-header built from
 * addresses at srcAt and dstAt. With the checksum field zeroed this is the value to write;
 * over a received message it is 0 when the checksum is right.
 */
export function pseudoHeaderChecksum(bytes: Uint8Array, srcAt: number, dstAt: number, src: Uint8Array | null, dst: Uint8Array | null, nextHeader: number, from: number, to: number): number {
  let s = src === null ? sum16(bytes, srcAt, srcAt + 16) : sum16(src, 0, 16);
  s += dst === null ? sum16(bytes, dstAt, dstAt + 16) : sum16(dst, 0, 16);
  const len = to - from;
  s += Math.floor(len / 0x10000) + (len & 0xffff) + nextHeader;
  s = sum16(bytes, from, to, s);
  return ~fold(s) & 0xffff;
}
