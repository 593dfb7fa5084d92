/**
 * The capture reader under fuzzing (part of `pnpm test:fuzz`, 100k cases): random bytes, and
 * pcap, pcapng and gzipped captures cut, extended and bit-flipped — only PcapFormatError (or
 * packets) ever comes out.
 */
import { PcapWriter } from '@conduits/netsim';
import { captureRecords, PcapFormatError } from '@conduits/netsim/codec';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);

const pcap = (() => {
  const w = new PcapWriter();
  w.add(0, Uint8Array.of(0x60, 0, 0, 0, 0, 0, 17, 64));
  w.add(1, new Uint8Array(40).fill(7));
  return w.toBytes();
})();

/** Section header, interface, one enhanced packet block of 8 bytes of data, one simple packet block. */
const pcapng = (() => {
  const out: number[] = [];
  const block = (type: number, body: number[]): void => {
    const len = 12 + body.length;
    const b = new DataView(new ArrayBuffer(len));
    b.setUint32(0, type, true);
    b.setUint32(4, len, true);
    body.forEach((x, i) => b.setUint8(8 + i, x));
    b.setUint32(len - 4, len, true);
    out.push(...new Uint8Array(b.buffer));
  };
  block(0x0a0d0d0a, [0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
  block(1, [229, 0, 0, 0, 0, 0, 0, 0]);
  block(
    6,
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0, 0x60, 0, 0, 0, 0, 0, 59, 64],
  );
  block(3, [4, 0, 0, 0, 0x60, 0, 0, 0]);
  return Uint8Array.from(out);
})();

/** Mutations of a valid input: truncate, extend, flip a bit, overwrite a byte. */
function mutate(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(255)), { maxLength: 4 }).map((muts) => {
    let p = Uint8Array.from(valid);
    for (const [op, pos, v] of muts) {
      const i = p.length ? pos % p.length : 0;
      if (op === 0) p = p.subarray(0, i);
      else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(v % 40).fill(v)]);
      else if (op === 2 && p.length) p[i]! ^= 1 << (v & 7);
      else if (p.length) p[i] = v;
    }
    return p;
  });
}

function onlyFormatErrors(input: Uint8Array): void {
  try {
    for (const p of captureRecords(input, { maxDecompressed: 1 << 20 }))
      expect(p.data).toBeInstanceOf(Uint8Array);
  } catch (e) {
    if (!(e instanceof PcapFormatError)) throw e;
  }
}

describe('capture reader fuzzing', () => {
  test(`random bytes and mutated pcap / pcapng / gzip captures: only PcapFormatError (${RUNS} cases)`, () => {
    const gz = gzipSync(pcapng);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          mutate(pcap),
          mutate(pcapng),
          mutate(gz),
          mutate(Uint8Array.from([...pcap.subarray(0, 24), ...pcapng.subarray(28)])),
        ),
        (input) => onlyFormatErrors(input),
      ),
      { numRuns: RUNS },
    );
  }, 600_000);
});
