/**
 * The ISAKMP decoders under fuzzing (part of `pnpm test:fuzz`, 100k cases each): mutated valid
 * messages and random bytes through the header, payload-chain and per-payload decoders —
 * never an exception, always a typed result.
 */
import fc from 'fast-check';
import {
  decodeMessage,
  decodePayloadBody,
  decodePayloads,
  encodeMessage,
  ExchangeType,
  IsakmpDecodeError,
  PayloadType,
} from '@conduits/protocols-isakmp';
import { allPayloads, phase2Sa } from './samples.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const header = {
  initiatorCookie: new Uint8Array(8).fill(1),
  responderCookie: new Uint8Array(8).fill(2),
  exchangeType: ExchangeType.IDENTITY_PROTECTION,
  flags: 0,
  messageId: 0,
};
const valid = [
  encodeMessage(header, allPayloads),
  encodeMessage({ ...header, exchangeType: ExchangeType.QUICK_MODE, messageId: 7 }, [
    { kind: 'hash', data: new Uint8Array(20) },
    phase2Sa,
    { kind: 'nonce', data: new Uint8Array(16) },
  ]),
];

function mutate(v: Uint8Array) {
  return fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(255)), { maxLength: 4 }).map((muts) => {
    let p = Uint8Array.from(v);
    for (const [op, pos, x] of muts) {
      const i = p.length ? pos % p.length : 0;
      if (op === 0) p = p.subarray(0, i);
      else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(x % 16)]);
      else if (op === 2 && p.length) p[i]! ^= 1 << (x & 7);
      else if (p.length) p[i] = x;
    }
    return p;
  });
}

function whole(bytes: Uint8Array): void {
  const m = decodeMessage(bytes);
  if (!m.ok) {
    expect(m.error).toBeInstanceOf(IsakmpDecodeError);
    return;
  }
  const ps = decodePayloads(
    m.value.body,
    m.value.header.nextPayload,
    (m.value.header.flags & 1) === 1,
  );
  if (!ps.ok) expect(ps.error).toBeInstanceOf(IsakmpDecodeError);
}

describe('ISAKMP fuzzing', () => {
  test.each(valid.map((v, i) => [i, v] as const))(
    `mutated message %i decodes or fails typed (${RUNS} cases)`,
    (_i, v) => {
      fc.assert(
        fc.property(mutate(v), (b) => void whole(b)),
        { numRuns: RUNS, seed: 12 },
      );
    },
  );

  test(`random bytes into every payload decoder (${RUNS} cases)`, () => {
    const types = [
      PayloadType.SA,
      PayloadType.KE,
      PayloadType.ID,
      PayloadType.CERT,
      PayloadType.CR,
      PayloadType.HASH,
      PayloadType.SIG,
      PayloadType.NONCE,
      PayloadType.N,
      PayloadType.D,
      PayloadType.VID,
      PayloadType.NAT_D,
      PayloadType.NAT_OA,
      99,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 96 }), (t, b) => {
        const r = decodePayloadBody(t, b);
        if (!r.ok) expect(r.error).toBeInstanceOf(IsakmpDecodeError);
      }),
      { numRuns: RUNS, seed: 13 },
    );
  });

  test(`random bytes as a whole message (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 28, maxLength: 200 }), (b) => void whole(b)),
      { numRuns: RUNS, seed: 14 },
    );
  });
});
