/** IPv6/UDP frames around ISAKMP messages: for captures tshark reads, and for the adversary's edits. */
import { PacketBuffer } from '@conduits/core/codec';
import { NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { writeIpv6Header } from '@conduits/protocols-inet/codec';
import { writeUdp } from '@conduits/protocols-inet/codec';

export function udpFrameOf(
  s: Uint8Array,
  d: Uint8Array,
  srcPort: number,
  dstPort: number,
  payload: Uint8Array,
): Uint8Array {
  const buf = new PacketBuffer(payload.length + 256, 128);
  buf.set(payload);
  writeUdp(buf, srcPort, dstPort, s, d);
  writeIpv6Header(buf, NextHeader.UDP, 64, s, d);
  return buf.copy();
}

export function udpFrame(
  src: string,
  dst: string,
  srcPort: number,
  dstPort: number,
  payload: Uint8Array,
): Uint8Array {
  return udpFrameOf(parseIpv6(src), parseIpv6(dst), srcPort, dstPort, payload);
}

/** The ISAKMP message in an IPv6/UDP frame to or from port 500, or undefined. */
export function ikeOf(frame: Uint8Array): Uint8Array | undefined {
  if (frame.length < 48 + 28 || frame[6] !== NextHeader.UDP) return undefined;
  const dport = (frame[42]! << 8) | frame[43]!;
  const sport = (frame[40]! << 8) | frame[41]!;
  return dport === 500 || sport === 500 ? frame.subarray(48) : undefined;
}

/** The same frame with its ISAKMP message replaced (UDP checksum recomputed). */
export function withIke(frame: Uint8Array, ike: Uint8Array): Uint8Array {
  return udpFrameOf(
    frame.subarray(8, 24),
    frame.subarray(24, 40),
    (frame[40]! << 8) | frame[41]!,
    (frame[42]! << 8) | frame[43]!,
    ike,
  );
}

export const exchangeTypeOf = (ike: Uint8Array) => ike[18]!;
export const encrypted = (ike: Uint8Array) => (ike[19]! & 1) === 1;
