import { MessagePool } from '@conduits/core';
import fc from 'fast-check';
import { SecurityAssociation, type SaConfig, type TransformSpec } from '@conduits/protocols-ipsec';
import { ReplayWindow } from '@conduits/protocols-ipsec/internal';

const pool = new MessagePool();
const key = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);

export const transforms: [string, TransformSpec, number, number][] = [
  [
    'aes-128-gcm-16',
    { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 },
    20,
    0,
  ],
  [
    'aes-256-gcm-8',
    { encryption: 'aes-gcm', encryptionKeyLength: 32, integrity: 'none', icvLength: 8 },
    36,
    0,
  ],
  [
    'aes-128-gcm-12',
    { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 12 },
    20,
    0,
  ],
  [
    'chacha20-poly1305',
    { encryption: 'chacha20-poly1305', encryptionKeyLength: 32, integrity: 'none', icvLength: 16 },
    36,
    0,
  ],
  [
    'aes-128-cbc/hmac-sha1-96',
    { encryption: 'aes-cbc', encryptionKeyLength: 16, integrity: 'hmac-sha1-96' },
    16,
    20,
  ],
  [
    'aes-256-cbc/hmac-sha256-128',
    { encryption: 'aes-cbc', encryptionKeyLength: 32, integrity: 'hmac-sha256-128' },
    32,
    32,
  ],
  [
    'aes-128-ctr/hmac-sha384-192',
    { encryption: 'aes-ctr', encryptionKeyLength: 16, integrity: 'hmac-sha384-192' },
    20,
    48,
  ],
  [
    'aes-256-ctr/hmac-sha512-256',
    { encryption: 'aes-ctr', encryptionKeyLength: 32, integrity: 'hmac-sha512-256' },
    36,
    64,
  ],
  [
    'null/hmac-sha256-128',
    { encryption: 'null', encryptionKeyLength: 0, integrity: 'hmac-sha256-128' },
    0,
    32,
  ],
];

function pairOf(t: TransformSpec, encLen: number, intLen: number, extra: Partial<SaConfig> = {}) {
  const base: SaConfig = {
    spi: 0x1000,
    direction: 'outbound',
    mode: 'transport',
    transform: t,
    encryptionKey: key(encLen),
    ...(intLen ? { integrityKey: key(intLen, 9) } : {}),
    ...extra,
  };
  return [
    new SecurityAssociation(base),
    new SecurityAssociation({ ...base, direction: 'inbound' }),
  ] as const;
}

describe.each(transforms)('ESP %s', (_n, t, encLen, intLen) => {
  test('round trip of any payload, with and without ESN; a flipped bit anywhere fails the ICV', () => {
    for (const esn of [false, true]) {
      const [out, inn] = pairOf(t, encLen, intLen, { esn });
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (payload, flip) => {
          const m = pool.from(payload);
          expect(out.encapsulate(m.buffer, 17)).toBeNull();
          const wire = m.buffer.copy();
          const bad = pool.from(wire);
          const bit = 64 + (flip % ((wire.length - 8) * 8)); // not in SPI/seq: those fail earlier
          bad.buffer.bytes[bad.buffer.start + (bit >> 3)]! ^= 1 << (bit & 7);
          expect(inn.decapsulate(bad.buffer)).toBe('esp-icv-failed');
          expect(inn.decapsulate(m.buffer)).toBe(17);
          expect([...m.buffer.copy()]).toEqual([...payload]);
          m.release();
          bad.release();
        }),
        { numRuns: 40 },
      );
    }
  });
});

describe('anti-replay', () => {
  test('a packet is accepted once; reordering inside the window is accepted exactly once; older is refused', () => {
    const [out, inn] = pairOf(transforms[0]![1], 20, 0, { replayWindow: 64 });
    const wires = Array.from({ length: 100 }, () => {
      const m = pool.from(Uint8Array.of(1));
      out.encapsulate(m.buffer, 17);
      return m.buffer.copy();
    });
    const open = (i: number) => inn.decapsulate(pool.from(wires[i]!).buffer);
    expect(open(9)).toBe(17); // seq 10
    expect(open(9)).toBe('esp-replay');
    expect(open(4)).toBe(17); // seq 5, inside the window, first time
    expect(open(4)).toBe('esp-replay');
    expect(open(99)).toBe(17); // seq 100: window now 37..100
    expect(open(30)).toBe('esp-outside-window'); // seq 31
    expect(open(40)).toBe(17); // seq 41 inside
  });

  test('the window slides across word boundaries and sizes up to 4096 (property against a set model)', () => {
    for (const size of [64, 128, 1024, 4096]) {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 300 }), (seqs) => {
          const w = new ReplayWindow(size);
          const seen = new Set<number>();
          let top = 0;
          for (const s of seqs) {
            const expected =
              s + size <= top ? 'esp-outside-window' : seen.has(s) ? 'esp-replay' : 'ok';
            expect(w.check(s)).toBe(expected);
            if (expected === 'ok') {
              w.update(s);
              seen.add(s);
              top = Math.max(top, s);
            }
          }
        }),
        { numRuns: 30 },
      );
    }
  });

  test('ESN: the receiver infers the high bits across the 2^32 boundary (RFC 4303 Appendix A2)', () => {
    const [out, inn] = pairOf(transforms[0]![1], 20, 0, {
      esn: true,
      initialSequence: 2 ** 32 - 3,
    });
    (inn.replay as ReplayWindow).startAt(2 ** 32 - 10);
    const got: (number | string)[] = [];
    for (let i = 0; i < 6; i++) {
      const m = pool.from(Uint8Array.of(i));
      out.encapsulate(m.buffer, 17);
      got.push(inn.decapsulate(m.buffer));
    }
    expect(got).toEqual([17, 17, 17, 17, 17, 17]);
    expect(inn.replay!.top).toBe(2n ** 32n + 3n);
  });

  test('a forged packet does not move the window', () => {
    const [out, inn] = pairOf(transforms[0]![1], 20, 0);
    const m = pool.from(Uint8Array.of(1));
    out.encapsulate(m.buffer, 17);
    const forged = pool.from(m.buffer.copy());
    forged.buffer.view.setUint32(forged.buffer.start + 4, 1000);
    expect(inn.decapsulate(forged.buffer)).toBe('esp-icv-failed');
    expect(inn.replay!.top).toBe(0n);
    expect(inn.decapsulate(m.buffer)).toBe(17);
  });
});

describe('SA lifecycle', () => {
  test('no sequence wrap: a 32-bit SA refuses to send past 2^32 - 1', () => {
    const [out] = pairOf(transforms[0]![1], 20, 0, { initialSequence: 0xfffffffe });
    expect(out.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBeNull();
    expect(out.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBe('esp-sequence-exhausted');
  });

  test('soft and hard lifetimes (packets, bytes, time) raise events once; a hard-expired SA refuses traffic', () => {
    const events: string[] = [];
    const [out] = pairOf(transforms[0]![1], 20, 0, {
      softLifetime: { packets: 2 },
      hardLifetime: { packets: 3 },
    });
    out.onLifetime = (_sa, e) => events.push(e);
    for (let i = 0; i < 4; i++) out.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17);
    expect(events).toEqual(['soft', 'hard']);
    expect(out.state).toBe('expired');
    expect(out.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBe('esp-sa-expired');
    const [timed] = pairOf(transforms[0]![1], 20, 0, {
      softLifetime: { time: 1000, bytes: 1e9 },
      hardLifetime: { time: 2000 },
    });
    const te: string[] = [];
    timed.onLifetime = (_s, e) => te.push(e);
    timed.checkTime(999);
    timed.checkTime(1500);
    timed.checkTime(1600);
    timed.checkTime(2000);
    expect(te).toEqual(['soft', 'hard']);
  });

  test('destroy wipes the keys; the SA prints no key bytes', () => {
    const [out] = pairOf(transforms[4]![1], 16, 20);
    expect(String(out)).toBe(
      'SA outbound spi 0x00001000 transport aes-cbc-128/hmac-sha1-96 (mature)',
    );
    out.destroy();
    expect(out.keysDestroyed).toBe(true);
    expect(out.encapsulate(pool.from(Uint8Array.of(1)).buffer, 17)).toBe('esp-sa-expired');
  });

  test('malformed ESP never throws (fuzz)', () => {
    const [, inn] = pairOf(transforms[5]![1], 32, 32);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = inn.decapsulate(pool.from(b).buffer);
        expect(typeof r === 'string' || typeof r === 'number').toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
