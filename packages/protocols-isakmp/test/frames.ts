/** IPv6/UDP frames around ISAKMP messages, for captures tshark reads. */
import { PacketBuffer } from '@conduits/core';
import { NextHeader, parseIpv6, writeIpv6Header, writeUdp } from '@conduits/protocols-inet';

export function udpFrame(src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const buf = new PacketBuffer(payload.length + 256, 128);
  buf.set(payload);
  const s = parseIpv6(src);
  const d = parseIpv6(dst);
  writeUdp(buf, srcPort, dstPort, s, d);
  writeIpv6Header(buf, NextHeader.UDP, 64, s, d);
  return buf.copy();
}
