import fc from 'fast-check';
import { PacketBuffer } from '@conduits/core/codec';

describe('PacketBuffer', () => {
  test('push/pull headers without moving the payload', () => {
    const b = new PacketBuffer(64, 16);
    b.set(Uint8Array.of(1, 2, 3));
    const payloadAt = b.start;
    const h = b.push(4);
    b.view.setUint32(h, 0xdeadbeef);
    expect([...b.subarray()]).toEqual([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
    expect(b.pull(4)).toBe(h);
    expect(b.start).toBe(payloadAt);
    b.appendByte(9);
    expect([...b.copy()]).toEqual([1, 2, 3, 9]);
    b.trim(2);
    expect([...b.copy()]).toEqual([1, 2]);
  });

  test('the helpers write into the grown buffer, not the one replaced (regression: bytes.set(x, b.append(n)) wrote to the old array)', () => {
    const b = new PacketBuffer(16, 2);
    const big = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    b.set(big);
    expect([...b.copy()]).toEqual([...big]);
    b.prependBytes(Uint8Array.of(1, 2, 3));
    b.prependByte(9);
    b.appendByte(7);
    expect([...b.copy()]).toEqual([9, 1, 2, 3, ...big, 7]);
  });

  test('grows headroom and tailroom when needed, keeping contents (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 300 })), { maxLength: 10 }),
        (data, ops) => {
          const b = new PacketBuffer(32, 4);
          b.set(data);
          const model: number[] = [...data];
          for (const [front, n] of ops) {
            if (front) {
              const at = b.push(n);
              b.bytes.fill(7, at, at + n);
              model.unshift(...new Array<number>(n).fill(7));
            } else {
              const at = b.append(n);
              b.bytes.fill(5, at, at + n);
              model.push(...new Array<number>(n).fill(5));
            }
          }
          expect([...b.copy()]).toEqual(model);
        },
      ),
    );
  });
});
