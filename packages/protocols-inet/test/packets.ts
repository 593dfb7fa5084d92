/**
 * Packets for fuzzing and differential tests: valid packets of five kinds (UDP to port 7,
 * ICMPv6 echo, UDP behind Hop-by-Hop and Destination Options, a fragment, an unknown next
 * header) from 2001:db8::1 to 2001:db8::2, then mutated (truncations, extensions, bit flips,
 * rewritten payload lengths, overwritten bytes), and some arbitrary bytes.
 */
import { MessagePool } from '@conduits/core';
import fc from 'fast-check';
import { NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import {
  sealIcmpv6,
  writeFragmentHeader,
  writeIpv6Header,
  writeUdp,
} from '@conduits/protocols-inet/codec';

export const pool = new MessagePool();
export const src = parseIpv6('2001:db8::1');
export const dst = parseIpv6('2001:db8::2');

/** A valid packet of some kind, as bytes. */
export function valid(kind: number, body: Uint8Array, port = 7): Uint8Array {
  const m = pool.from(body);
  const b = m.buffer;
  switch (kind % 5) {
    case 0:
      writeUdp(b, 1000, port, src, dst);
      writeIpv6Header(b, NextHeader.UDP, 64, src, dst);
      break;
    case 1: {
      const at = b.push(8);
      b.bytes.set([128, 0, 0, 0, 0, 1, 0, 2], at);
      sealIcmpv6(b, src, dst);
      writeIpv6Header(b, NextHeader.ICMPV6, 64, src, dst);
      break;
    }
    case 2:
      writeUdp(b, 1000, 7, src, dst);
      b.prependBytes(Uint8Array.of(17, 0, 1, 4, 0, 0, 0, 0)); // Destination Options
      b.prependBytes(Uint8Array.of(60, 0, 1, 4, 0, 0, 0, 0)); // Hop-by-Hop
      writeIpv6Header(b, NextHeader.HOP_BY_HOP, 64, src, dst);
      break;
    case 3:
      writeFragmentHeader(
        b,
        NextHeader.UDP,
        (body.length & 0xff) * 8,
        (body.length & 1) === 1,
        body.length & 7,
      );
      writeIpv6Header(b, NextHeader.FRAGMENT, 64, src, dst);
      break;
    default:
      writeIpv6Header(b, body.length & 0xff, 64, src, dst);
  }
  const out = b.copy();
  m.release();
  return out;
}

/** Truncate, extend, flip bits, rewrite length fields, or splice: valid packets of the kinds `kinds` picks (0-4, see `valid`). */
export const mutatedOf = (
  kinds: fc.Arbitrary<number>,
  ports: fc.Arbitrary<number> = fc.constant(7),
): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(
      kinds,
      fc.uint8Array({ maxLength: 1600 }),
      fc.array(fc.tuple(fc.nat(5), fc.nat(), fc.nat(255)), { maxLength: 4 }),
      ports,
    )
    .map(([kind, body, muts, port]) => {
      let p = valid(kind, body, port);
      for (const [op, pos, val] of muts) {
        const i = p.length === 0 ? 0 : pos % p.length;
        if (op === 0) p = p.subarray(0, i);
        else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(val)]);
        else if (op === 2 && p.length > 0) p[i]! ^= 1 << (val & 7);
        else if (op === 3 && p.length > 5)
          new DataView(p.buffer, p.byteOffset).setUint16(4, (pos * 31) & 0xffff);
        else if (op === 4 && p.length > 0) p[i] = val;
        else if (op === 5 && p.length > 47) p[40 + (pos % 8)] = val;
      }
      return p;
    });
export const mutated = mutatedOf(fc.nat(4));
export const packets = fc.oneof(
  { arbitrary: mutated, weight: 9 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }), weight: 1 },
);
