/**
 * Reads libpcap and pcapng files (either byte order, microsecond or nanosecond pcap,
 * optionally gzipped): every packet with its link type. Malformed input of any kind is a
 * `PcapFormatError` naming the offset, never another exception.
 *
 * `captureRecords` streams: it yields each complete record as soon as it is read, and only
 * then reports where a truncated file was cut (as tshark prints the packets before the
 * cut). Reading from a `CaptureSource` keeps memory flat whatever the capture's length.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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

/** Bytes of a capture, read by offset (a file read piecewise, or bytes in memory). */
export interface CaptureSource {
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer at the end of the source). */
  read(offset: number, length: number): Uint8Array;
}

export interface CaptureOptions {
  /** Most bytes a gzipped capture may expand to. @default 128 MiB */
  readonly maxDecompressed?: number;
}

/** The largest packet Wireshark reads (WTAP_MAX_PACKET_SIZE_STANDARD); larger records are refused as it refuses them. */
export const MAX_RECORD = 262_144;
/** Largest pcapng block read (a packet of MAX_RECORD with generous options). */
const MAX_BLOCK = MAX_RECORD + 65_536;
const DEFAULT_MAX_DECOMPRESSED = 128 * 1024 * 1024;

function memorySource(bytes: Uint8Array): CaptureSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/** A capture file read in windows of 1 MiB, so a long capture never sits in memory whole. */
export class CaptureFile implements CaptureSource {
  readonly size: number;
  #fd: number | null;
  #window = new Uint8Array(0);
  #windowAt = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
    this.size = fstatSync(this.#fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    if (offset >= this.#windowAt && end <= this.#windowAt + this.#window.length)
      return this.#window.subarray(offset - this.#windowAt, end - this.#windowAt);
    if (this.#fd === null) throw new Error('capture file is closed');
    const want = Math.max(end - offset, 1 << 20);
    const buf = new Uint8Array(Math.min(want, this.size - offset));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.#fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    this.#window = buf.subarray(0, got);
    this.#windowAt = offset;
    return this.#window.subarray(0, Math.min(got, end - offset));
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/** Every packet of a capture, read whole (a malformed or truncated capture throws, with no packets). */
export function readCapture(file: Uint8Array, options: CaptureOptions = {}): PcapPacket[] {
  return [...captureRecords(file, options)];
}

/** The packets of a capture one at a time; a malformed capture throws `PcapFormatError` after the complete records before the fault. */
export function* captureRecords(
  input: Uint8Array | CaptureSource,
  options: CaptureOptions = {},
): Generator<PcapPacket, void, undefined> {
  let src = input instanceof Uint8Array ? memorySource(input) : input;
  const head = src.read(0, 4);
  if (src.size === 0) throw new PcapFormatError(0, 'empty file');
  if (head[0] === 0x1f && head[1] === 0x8b)
    src = memorySource(
      gunzip(src.read(0, src.size), options.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED),
    );
  if (src.size < 4) throw new PcapFormatError(0, `too short for a capture (${src.size} bytes)`);
  const first = src.read(0, 4);
  const magic = view(first).getUint32(0, true);
  if (magic === 0x0a0d0d0a) yield* readPcapng(src);
  else yield* readPcap(src);
}

function gunzip(bytes: Uint8Array, limit: number): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: limit }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw new PcapFormatError(
        0,
        `gzip data expands beyond ${limit} bytes (the limit); gunzip it first if the capture is really that large`,
      );
    throw new PcapFormatError(0, `bad gzip data (${(e as Error).message})`);
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function* readPcap(src: CaptureSource): Generator<PcapPacket, void, undefined> {
  if (src.size < 24)
    throw new PcapFormatError(0, `truncated global header (${src.size} of 24 bytes)`);
  const header = view(src.read(0, 24));
  const magic = header.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const be = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!le && !be)
    throw new PcapFormatError(
      0,
      `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`,
    );
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  // The header's snap length is not trusted (an absurd one is clamped, as Wireshark does); records are checked against the largest packet.
  const limit = MAX_RECORD;
  const linkType = header.getUint32(20, le) & 0x0fffffff;
  let frame = 0;
  let at = 24;
  while (at < src.size) {
    if (at + 16 > src.size)
      throw new PcapFormatError(
        at,
        `file cut in the record header of frame ${frame + 1} (${src.size - at} of 16 bytes)`,
      );
    const rec = view(src.read(at, 16));
    const sec = rec.getUint32(0, le);
    const frac = rec.getUint32(4, le);
    const incl = rec.getUint32(8, le);
    if (incl > limit)
      throw new PcapFormatError(
        at,
        `frame ${frame + 1} claims ${incl} bytes, more than the ${limit}-byte maximum`,
      );
    if (at + 16 + incl > src.size)
      throw new PcapFormatError(
        at,
        `file cut in frame ${frame + 1} (${src.size - at - 16} of ${incl} bytes)`,
      );
    yield {
      frame: ++frame,
      linkType,
      time: sec + frac / (nano ? 1e9 : 1e6),
      data: Uint8Array.from(src.read(at + 16, incl)),
    };
    at += 16 + incl;
  }
}

function* readPcapng(src: CaptureSource): Generator<PcapPacket, void, undefined> {
  let le = true;
  let links: { type: number; tsDivisor: number }[] = [];
  let frame = 0;
  let at = 0;
  while (at < src.size) {
    if (at + 12 > src.size)
      throw new PcapFormatError(at, `file cut in a block header (${src.size - at} of 12 bytes)`);
    const head = view(src.read(at, 12));
    const type = head.getUint32(0, le);
    if (type === 0x0a0d0d0a) {
      // Section header: the byte-order magic decides how the rest is read.
      const bom = head.getUint32(8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new PcapFormatError(at, 'bad byte-order magic');
      links = [];
    }
    const len = head.getUint32(4, le);
    if (len < 12 || len % 4 !== 0) throw new PcapFormatError(at, `bad block length ${len}`);
    if (len > MAX_BLOCK)
      throw new PcapFormatError(
        at,
        `block of ${len} bytes, more than the ${MAX_BLOCK}-byte maximum`,
      );
    if (at + len > src.size)
      throw new PcapFormatError(at, `file cut in a block (${src.size - at} of ${len} bytes)`);
    const block = view(src.read(at, len));
    if (type === 1) {
      if (len < 20)
        throw new PcapFormatError(at, `interface description block of ${len} bytes (at least 20)`);
      links.push({ type: block.getUint16(8, le), tsDivisor: 1e6 });
    } else if (type === 6) {
      if (len < 32)
        throw new PcapFormatError(at, `enhanced packet block of ${len} bytes (at least 32)`);
      const iface = links[block.getUint32(8, le)];
      if (iface === undefined) throw new PcapFormatError(at, 'packet for an undeclared interface');
      const ts = block.getUint32(12, le) * 4294967296 + block.getUint32(16, le);
      const caplen = block.getUint32(20, le);
      if (28 + caplen + 4 > len)
        throw new PcapFormatError(at, `packet of ${caplen} bytes overruns its ${len}-byte block`);
      yield {
        frame: ++frame,
        linkType: iface.type,
        time: ts / iface.tsDivisor,
        data: Uint8Array.from(src.read(at + 28, caplen)),
      };
    } else if (type === 3) {
      if (len < 16)
        throw new PcapFormatError(at, `simple packet block of ${len} bytes (at least 16)`);
      const iface = links[0];
      if (iface === undefined) throw new PcapFormatError(at, 'simple packet before any interface');
      const orig = block.getUint32(8, le);
      yield {
        frame: ++frame,
        linkType: iface.type,
        time: 0,
        data: Uint8Array.from(src.read(at + 12, Math.min(orig, len - 16))),
      };
    }
    at += len;
  }
}
