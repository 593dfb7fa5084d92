/** The capture reader on malformed input: every fault a PcapFormatError naming where, complete records first. */
import { PcapWriter } from '@conduits/netsim';
import { CaptureFile, captureRecords, PcapFormatError, readCapture } from '@conduits/netsim/codec';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

function pcapOf(n: number, size = 60): Uint8Array {
  const w = new PcapWriter();
  for (let i = 0; i < n; i++) w.add(i, new Uint8Array(size).fill(i));
  return w.toBytes();
}

/** A little-endian pcapng: section header, one interface (link type 229), then `blocks`. */
function pcapng(...blocks: Uint8Array[]): Uint8Array {
  const shb = new Uint8Array(28);
  const s = new DataView(shb.buffer);
  s.setUint32(0, 0x0a0d0d0a, true);
  s.setUint32(4, 28, true);
  s.setUint32(8, 0x1a2b3c4d, true);
  s.setUint16(12, 1, true);
  s.setBigInt64(16, -1n, true);
  s.setUint32(24, 28, true);
  const idb = new Uint8Array(20);
  const d = new DataView(idb.buffer);
  d.setUint32(0, 1, true);
  d.setUint32(4, 20, true);
  d.setUint16(8, 229, true);
  d.setUint32(16, 20, true);
  return Uint8Array.from([...shb, ...idb, ...blocks.flatMap((b) => [...b])]);
}

function epb(len: number, caplen: number): Uint8Array {
  const b = new Uint8Array(Math.max(len, 12));
  const v = new DataView(b.buffer);
  v.setUint32(0, 6, true);
  v.setUint32(4, len, true);
  if (len >= 24) v.setUint32(20, caplen, true);
  return b;
}

function fault(f: () => unknown): PcapFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof PcapFormatError) return e;
    throw new Error(`not a PcapFormatError: ${String(e)}`);
  }
  throw new Error('no error');
}

describe('capture reader faults', () => {
  test('an enhanced packet block shorter than 28 bytes is a PcapFormatError, not a RangeError', () => {
    for (const len of [12, 16, 20, 24])
      expect(fault(() => readCapture(pcapng(epb(len, 0)))).reason).toMatch(
        /enhanced packet block of \d+ bytes/,
      );
    expect(fault(() => readCapture(pcapng(epb(32, 100)))).reason).toMatch(
      /overruns its 32-byte block/,
    );
  });

  test('empty, short, bad magic, absurd record length: typed errors', () => {
    expect(fault(() => readCapture(new Uint8Array(0))).reason).toBe('empty file');
    expect(fault(() => readCapture(Uint8Array.of(1, 2))).reason).toMatch(/too short/);
    expect(fault(() => readCapture(new Uint8Array(24).fill(0x41))).reason).toMatch(
      /magic 0x41414141/,
    );
    const huge = pcapOf(1);
    new DataView(huge.buffer).setUint32(24 + 8, 0xfffffff0, true);
    expect(fault(() => readCapture(huge)).reason).toMatch(
      /claims 4294967280 bytes, more than the 262144-byte maximum/,
    );
  });

  test('an absurd snap length in the header is clamped, as Wireshark does', () => {
    const f = pcapOf(2);
    new DataView(f.buffer).setUint32(16, 0xffffffff, true);
    expect(readCapture(f)).toHaveLength(2);
  });

  test('a truncated capture yields its complete records, then says where it was cut', () => {
    const f = pcapOf(3);
    const got: number[] = [];
    const e = fault(() => {
      for (const p of captureRecords(f.subarray(0, f.length - 10))) got.push(p.frame);
    });
    expect(got).toEqual([1, 2]);
    expect(e.message).toBe(
      `capture file at byte ${24 + 2 * 76}: file cut in frame 3 (50 of 60 bytes)`,
    );
  });

  test('gzip beyond the cap is refused with a clear error; within it, read as usual', () => {
    const big = gzipSync(new Uint8Array(4 << 20));
    expect(fault(() => readCapture(big, { maxDecompressed: 1 << 20 })).reason).toMatch(
      /expands beyond 1048576 bytes/,
    );
    expect(readCapture(gzipSync(pcapOf(2)))).toHaveLength(2);
    expect(fault(() => readCapture(Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3))).reason).toMatch(
      /bad gzip data/,
    );
  });

  test('a file read in windows gives the same packets as one read whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduits-pcap-reader-'));
    try {
      const bytes = pcapOf(20_000, 100); // 2.3 MB: several 1 MiB windows, records across their edges
      writeFileSync(join(dir, 'c.pcap'), bytes);
      const file = new CaptureFile(join(dir, 'c.pcap'));
      let n = 0;
      let wrong = 0;
      for (const p of captureRecords(file)) {
        if (p.data[0] !== ((p.frame - 1) & 0xff) || p.data.length !== 100) wrong++;
        n++;
      }
      file.close();
      expect([n, wrong]).toEqual([20_000, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
