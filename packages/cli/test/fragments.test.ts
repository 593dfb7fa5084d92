/** IPv6 fragments across a capture: any order, complete only when covered, bounded. */
import { Reassembler, type Fragment } from '../src/commands/fragments.js';

const frag = (offset: number, length: number, more: boolean, id = 7): Fragment => ({
  id,
  offset,
  more,
  nextHeader: 17,
  data: new Uint8Array(length).fill(offset / 8 + 1),
});

test('out of order, completed by whichever fragment fills the last gap', () => {
  const r = new Reassembler();
  expect(r.add(1, 'a', 'b', frag(16, 8, false))).toBeNull();
  expect(r.add(2, 'a', 'b', frag(0, 8, true))).toBeNull();
  const whole = r.add(3, 'a', 'b', frag(8, 8, true));
  expect(whole).toEqual({
    nextHeader: 17,
    payload: Uint8Array.from([
      ...new Uint8Array(8).fill(1),
      ...new Uint8Array(8).fill(2),
      ...new Uint8Array(8).fill(3),
    ]),
    frames: [2, 3, 1],
  });
});

test('datagrams are told apart by source, destination and identification', () => {
  const r = new Reassembler();
  expect(r.add(1, 'a', 'b', frag(0, 8, true, 1))).toBeNull();
  expect(r.add(2, 'c', 'b', frag(8, 8, false, 1))).toBeNull();
  expect(r.add(3, 'a', 'b', frag(8, 8, false, 2))).toBeNull();
  expect(r.add(4, 'a', 'b', frag(8, 8, false, 1))?.frames).toEqual([1, 4]);
});

test('bounded: a datagram past 65,535 bytes, or fed more than 128 KiB of repeats, is dropped', () => {
  const r = new Reassembler();
  expect(r.add(1, 'a', 'b', frag(65_528, 16, false))).toBeNull();
  expect(r.add(2, 'a', 'b', frag(0, 65_528, true))).toBeNull(); // the oversized one was dropped: no completion
  const s = new Reassembler();
  for (let i = 0; i < 3; i++) expect(s.add(i, 'a', 'b', frag(8, 60_000, true))).toBeNull();
  expect(s.add(9, 'a', 'b', frag(0, 8, true))).toBeNull();
  expect(s.add(10, 'a', 'b', frag(60_008, 8, false))).toBeNull(); // the 180 KB of repeats dropped it
});
