/**
 * Classic libpcap files (tcpdump/Wireshark format): a 24-byte global header, then per packet
 * a 16-byte record header and the bytes. Microsecond timestamps, little-endian.
 */
export const LinkType = { ETHERNET: 1, RAW: 101, IPV4: 228, IPV6: 229 } as const;
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

export interface PcapRecord {
  /** Milliseconds (virtual time). */
  readonly time: number;
  readonly data: Uint8Array;
}

export class PcapWriter {
  readonly records: PcapRecord[] = [];

  constructor(
    readonly linkType: LinkType = LinkType.IPV6,
    /** Seconds added to virtual time, so captures show a plausible date. @default 1_767_225_600 (2026-01-01) */
    readonly epoch = 1_767_225_600,
  ) {}

  add(time: number, data: Uint8Array): void {
    this.records.push({ time, data: Uint8Array.from(data) });
  }

  toBytes(): Uint8Array {
    const size = 24 + this.records.reduce((n, r) => n + 16 + r.data.length, 0);
    const out = new Uint8Array(size);
    const v = new DataView(out.buffer);
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 65535, true);
    v.setUint32(20, this.linkType, true);
    let at = 24;
    for (const r of this.records) {
      const us = Math.round(r.time * 1000);
      v.setUint32(at, this.epoch + Math.floor(us / 1e6), true);
      v.setUint32(at + 4, us % 1e6, true);
      v.setUint32(at + 8, r.data.length, true);
      v.setUint32(at + 12, r.data.length, true);
      out.set(r.data, at + 16);
      at += 16 + r.data.length;
    }
    return out;
  }
}
