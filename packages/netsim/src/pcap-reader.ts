/**
 * Reads libpcap and pcapng files (either byte order, microsecond or nanosecond pcap,
 * optionally gzipped): every packet with its link type. Malformed input is a typed error
 * naming the offset, never a crash.
 */
import { gunzipSync } from 'node:zlib';

export interface PcapPacket {
  readonly frame: number;
  readonly linkType: number;
  /** Seconds since the epoch (fractional). */
  readonly time: number;
  readonly data: Uint8Array;
}

export class PcapFormatError extends Error {
  override readonly name = 'PcapFormatError';
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`capture file at byte ${offset}: ${reason}`);
  }
}

export function readCapture(file: Uint8Array): PcapPacket[] {
  let bytes = file;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch {
      throw new PcapFormatError(0, 'bad gzip data');
    }
  }
  if (bytes.length < 4) throw new PcapFormatError(0, 'too short');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return v.getUint32(0, true) === 0x0a0d0d0a ? readPcapng(bytes, v) : readPcap(bytes, v);
}

function readPcap(bytes: Uint8Array, v: DataView): PcapPacket[] {
  if (bytes.length < 24) throw new PcapFormatError(0, 'truncated global header');
  const magic = v.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const be = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!le && !be) throw new PcapFormatError(0, `not a pcap or pcapng file (magic 0x${magic.toString(16)})`);
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = v.getUint32(20, le) & 0x0fffffff;
  const out: PcapPacket[] = [];
  let at = 24;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) throw new PcapFormatError(at, 'truncated record header');
    const sec = v.getUint32(at, le);
    const frac = v.getUint32(at + 4, le);
    const incl = v.getUint32(at + 8, le);
    if (at + 16 + incl > bytes.length) throw new PcapFormatError(at, `record of ${incl} bytes overruns the file`);
    out.push({ frame: out.length + 1, linkType, time: sec + frac / (nano ? 1e9 : 1e6), data: bytes.slice(at + 16, at + 16 + incl) });
    at += 16 + incl;
  }
  return out;
}

function readPcapng(bytes: Uint8Array, v: DataView): PcapPacket[] {
  const out: PcapPacket[] = [];
  let le = true;
  let links: { type: number; tsDivisor: number }[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new PcapFormatError(at, 'truncated block');
    const type = v.getUint32(at, le);
    if (type === 0x0a0d0d0a) {
      // Section header: the byte-order magic decides how the rest is read.
      const bom = v.getUint32(at + 8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new PcapFormatError(at, 'bad byte-order magic');
      links = [];
    }
    const len = v.getUint32(at + 4, le);
    if (len < 12 || len % 4 !== 0 || at + len > bytes.length) throw new PcapFormatError(at, `bad block length ${len}`);
    if (type === 1) {
      links.push({ type: v.getUint16(at + 8, le), tsDivisor: 1e6 });
    } else if (type === 6) {
      const iface = links[v.getUint32(at + 8, le)];
      if (iface === undefined) throw new PcapFormatError(at, 'packet for an undeclared interface');
      const ts = v.getUint32(at + 12, le) * 4294967296 + v.getUint32(at + 16, le);
      const caplen = v.getUint32(at + 20, le);
      if (28 + caplen > len) throw new PcapFormatError(at, 'packet overruns its block');
      out.push({ frame: out.length + 1, linkType: iface.type, time: ts / iface.tsDivisor, data: bytes.slice(at + 28, at + 28 + caplen) });
    } else if (type === 3) {
      const iface = links[0];
      if (iface === undefined) throw new PcapFormatError(at, 'simple packet before any interface');
      const orig = v.getUint32(at + 8, le);
      out.push({ frame: out.length + 1, linkType: iface.type, time: 0, data: bytes.slice(at + 12, at + 12 + Math.min(orig, len - 16)) });
    }
    at += len;
  }
  return out;
}
