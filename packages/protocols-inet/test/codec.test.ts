import { MessagePool, type Message } from '@conduits/core';
import fc from 'fast-check';
import { AddressParseError, formatIpv6, parseIpv6 } from '@conduits/protocols-inet';
import {
  checkIpv6Header,
  checkUdp,
  fold,
  sum16,
  walkExtensionHeaders,
  writeIpv6Header,
  writeUdp,
} from '@conduits/protocols-inet/codec';

const pool = new MessagePool();

describe('IPv6 addresses', () => {
  test.each([
    // RFC 5952 §4 recommendations and examples
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:DB8::aaaa:0:0:1', '2001:db8::aaaa:0:0:1'],
    ['2001:db8:0:0:0::1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('%s is %s', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text))).toBe(canonical);
  });

  test.each(['1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '12345::', '1.2.3.4', '::1.2.3.400'])(
    '%s is refused with a typed error',
    (bad) => {
      expect(() => parseIpv6(bad)).toThrow(AddressParseError);
    },
  );

  test('format and parse round-trip (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) =>
        expect([...parseIpv6(formatIpv6(b))]).toEqual([...b]),
      ),
    );
  });
});

describe('checksums', () => {
  test('RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    expect(fold(sum16(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), 0, 8))).toBe(
      0xddf2,
    );
  });

  test('a UDP datagram we write passes our check; any single flipped bit fails it', () => {
    const src = parseIpv6('2001:db8::1');
    const dst = parseIpv6('2001:db8::2');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (payload, flip) => {
        const m = pool.from(payload);
        writeUdp(m.buffer, 1234, 53, src, dst);
        writeIpv6Header(m.buffer, 17, 64, src, dst);
        const ip = m.buffer.start;
        expect(checkIpv6Header(m.buffer)).toBeNull();
        m.buffer.pull(40);
        expect(checkUdp(m.buffer, ip)).toBeNull();
        const bit = flip % (m.buffer.length * 8);
        m.buffer.bytes[m.buffer.start + (bit >> 3)]! ^= 1 << (bit & 7);
        // A flip in the checksum field itself can only turn it into 0 (refused as zero-checksum) or another wrong value.
        expect(checkUdp(m.buffer, ip)).not.toBeNull();
        m.release();
      }),
    );
  });
});

describe('IPv6 header and extension headers', () => {
  const src = parseIpv6('2001:db8::1');
  const dst = parseIpv6('2001:db8::2');
  // The codecs read buffers; the messages lending them go back to the pool after each test.
  const lent: Message[] = [];
  const from = (bytes: Uint8Array): Message => {
    const m = pool.from(bytes);
    lent.push(m);
    return m;
  };
  afterEach(() => {
    for (const m of lent.splice(0)) m.release();
  });
  const packet = (nh: number, body: number[]) => {
    const m = from(Uint8Array.from(body));
    writeIpv6Header(m.buffer, nh, 64, src, dst);
    return m;
  };

  test('bad version, truncation, jumbograms, multicast source', () => {
    const m = packet(59, [1, 2, 3]);
    m.buffer.bytes[m.buffer.start] = 0x40;
    expect(checkIpv6Header(m.buffer)).toBe('ipv6-bad-version');
    expect(checkIpv6Header(from(new Uint8Array(39)).buffer)).toBe('ipv6-truncated');
    const short = packet(59, [1, 2, 3]);
    short.buffer.trim(1);
    expect(checkIpv6Header(short.buffer)).toBe('ipv6-truncated-payload');
    const jumbo = packet(59, [1]);
    jumbo.buffer.view.setUint16(jumbo.buffer.start + 4, 0);
    expect(checkIpv6Header(jumbo.buffer)).toBe('ipv6-jumbogram-unsupported');
    const mc = packet(59, [1]);
    mc.buffer.bytes[mc.buffer.start + 8] = 0xff;
    expect(checkIpv6Header(mc.buffer)).toBe('ipv6-bad-source');
  });

  test('trailing link padding is trimmed to the payload length', () => {
    const m = packet(59, [1, 2, 3]);
    m.buffer.appendBytes(new Uint8Array(5));
    expect(checkIpv6Header(m.buffer)).toBeNull();
    expect(m.buffer.length).toBe(43);
  });

  const walk = (nh: number, body: number[]) => {
    const m = from(Uint8Array.from(body));
    const out = { nextHeader: -1 };
    return [walkExtensionHeaders(m.buffer, nh, out), out.nextHeader, m.buffer.length] as const;
  };

  test('Hop-by-Hop with PadN, then Destination Options with Pad1s, then UDP', () => {
    // HBH: nh=60, len=0 (8 bytes): PadN(4) + ... ; DestOpts: nh=17, len=0, Pad1 x6
    expect(walk(0, [60, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0xaa])).toEqual([
      null,
      17,
      1,
    ]);
  });

  test('unknown options: skip when the type says so (00xxxxxx), else drop', () => {
    expect(walk(60, [17, 0, 0x1e, 4, 0, 0, 0, 0])[0]).toBeNull();
    expect(walk(60, [17, 0, 0x9e, 4, 0, 0, 0, 0])[0]).toBe('ipv6-unknown-option');
    expect(walk(60, [17, 0, 1, 9, 0, 0, 0, 0])[0]).toBe('ipv6-bad-option');
  });

  test('Hop-by-Hop must come first; routing headers with segments left are refused; chains are bounded', () => {
    expect(walk(60, [0, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0])[0]).toBe(
      'ipv6-misplaced-hop-by-hop',
    );
    expect(walk(43, [17, 0, 0, 1, 0, 0, 0, 0])[0]).toBe('ipv6-routing-header');
    expect(walk(43, [17, 0, 0, 0, 0, 0, 0, 0])).toEqual([null, 17, 0]);
    const chain = Array.from({ length: 9 }, () => [60, 0, 1, 4, 0, 0, 0, 0]).flat();
    expect(walk(60, chain)[0]).toBe('ipv6-too-many-extension-headers');
    expect(walk(60, [17, 3, 1, 4, 0, 0, 0, 0])[0]).toBe('ipv6-truncated-extension');
  });
});
