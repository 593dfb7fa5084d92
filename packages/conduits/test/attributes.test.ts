import fc from 'fast-check';
import {
  AttributeDecodeError,
  CompositeProtocol,
  DoubleReleaseError,
  MessagePool,
  ReleasedMessageError,
  attribute,
  msgFromAbove,
  peerAttribute,
} from '@conduits/core';
import { codecs } from '@conduits/core/codec';
import { embed } from '@conduits/core/testing';
import { enc } from './helpers.js';

const seq = peerAttribute('test.seq', 0x7001, codecs.u32);
const nonce = peerAttribute('test.nonce', 0x7002, codecs.bytes);
const who = peerAttribute('test.who', 0x7003, codecs.utf8);
const route = attribute<string>('test.route', 'stack');
const scratch = attribute<number>('test.scratch', 'local');

describe('attributes', () => {
  test('peer attributes pack in front of the payload and unpack at the receiver; other scopes are not encoded', () => {
    const pool = new MessagePool();
    const m = pool.from(enc('body'));
    m.set(seq, 42)
      .set(nonce, Uint8Array.of(1, 2, 3))
      .set(who, 'alice')
      .set(route, 'eth0')
      .set(scratch, 7);
    const added = m.attrs.packPeer(m.buffer);
    expect(added).toBe(2 + (4 + 4) + (4 + 3) + (4 + 5));
    const wire = m.buffer.copy();
    // Wire form: block length, then (id, len, value)...
    expect([...wire.subarray(0, 10)]).toEqual([0, 26, 0x70, 0x01, 0, 4, 0, 0, 0, 42]);

    const r = pool.from(wire);
    expect(r.attrs.unpackPeer(r.buffer)).toBeUndefined();
    expect(r.get(seq)).toBe(42);
    expect([...r.get(nonce)!]).toEqual([1, 2, 3]);
    expect(r.get(who)).toBe('alice');
    expect(r.get(route)).toBeUndefined();
    expect(new TextDecoder().decode(r.buffer.copy())).toBe('body');
    m.release();
    r.release();
  });

  test('unknown wire ids are skipped; malformed blocks are typed errors that change nothing', () => {
    const pool = new MessagePool();
    const unknown = Uint8Array.of(0, 8, 0x6f, 0xff, 0, 2, 9, 9, 0x41);
    const r = pool.from(unknown);
    expect(r.attrs.unpackPeer(r.buffer)).toBeUndefined();
    expect([...r.buffer.copy()]).toEqual([0x41]);
    r.release();

    for (const bad of [
      Uint8Array.of(0),
      Uint8Array.of(0, 1),
      Uint8Array.of(0, 9, 1),
      Uint8Array.of(0, 6, 0x70, 1, 0, 9),
      Uint8Array.of(0, 7, 0x70, 1, 0, 1, 5),
    ]) {
      const m = pool.from(bad);
      const err = m.attrs.unpackPeer(m.buffer);
      expect(err).toBeInstanceOf(AttributeDecodeError);
      expect(m.buffer.length).toBe(bad.length);
      expect(m.get(seq)).toBeUndefined();
      m.release();
    }
  });

  test('unpackPeer never throws on arbitrary bytes (fuzz)', () => {
    const pool = new MessagePool();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const m = pool.from(bytes);
        const err = m.attrs.unpackPeer(m.buffer);
        if (err !== undefined) expect(m.buffer.length).toBe(bytes.length);
        m.release();
      }),
      { numRuns: 5000 },
    );
  });

  test('round trip of any peer values (property)', () => {
    const pool = new MessagePool();
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.uint8Array({ maxLength: 300 }),
        fc.string(),
        fc.uint8Array({ maxLength: 100 }),
        (n, b, s, body) => {
          const m = pool.from(body);
          m.set(seq, n).set(nonce, b).set(who, s);
          m.attrs.packPeer(m.buffer);
          const r = pool.from(m.buffer.copy());
          expect(r.attrs.unpackPeer(r.buffer)).toBeUndefined();
          expect(r.get(seq)).toBe(n);
          expect([...r.get(nonce)!]).toEqual([...b]);
          expect(r.get(who)).toBe(s);
          expect([...r.buffer.copy()]).toEqual([...body]);
          m.release();
          r.release();
        },
      ),
    );
  });

  test('local attributes do not leave the composite protocol; stack attributes do', () => {
    const c = new CompositeProtocol('c', {
      microProtocols: [
        () => ({
          name: 'marks',
          start(cp) {
            cp.runtime.bind(
              msgFromAbove,
              (m) => {
                m.set(scratch, 1);
                m.set(route, 'down');
              },
              1,
              null,
            );
          },
        }),
      ],
    });
    const e = embed(c);
    e.writeB(enc('x')).run();
    const out = e.readA()[0]!;
    expect(out.attributes.get('test.route')).toBe('down');
    expect(out.attributes.has('test.scratch')).toBe(false);
  });

  test('wire ids are unique and in range', () => {
    expect(() => peerAttribute('dup', 0x7001, codecs.u8)).toThrow(/already used/);
    expect(() => peerAttribute('zero', 0, codecs.u8)).toThrow(RangeError);
  });

  test('a released message is reset and its carrier reused by its pool; releasing it again throws', () => {
    const pool = new MessagePool();
    const m = pool.from(enc('abc')).set(route, 'r');
    const buffer = m.buffer;
    m.release();
    expect(() => m.release()).toThrow(DoubleReleaseError);
    expect(m.released).toBe(true);
    expect(() => m.check()).toThrow(ReleasedMessageError);
    const again = pool.acquire();
    expect(again.buffer).toBe(buffer);
    expect(again.get(route)).toBeUndefined();
    expect(again.buffer.length).toBe(0);
    expect(pool.created).toBe(1);
    again.release();
  });
});
