/** RFC 2408 payloads round-trip; malformed bytes give typed errors naming the notification to send. */
import {
  attrValue,
  cookiePair,
  decodeMessage,
  decodePayloads,
  encodeMessage,
  encodePayloads,
  ExchangeType,
  find,
  IsakmpDecodeError,
  NotifyType,
  PayloadType,
  Phase1Attribute,
  type Payload,
} from '@conduits/protocols-isakmp';
import { allPayloads, phase1Sa, phase2Sa } from './samples.js';

const ci = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const cr = Uint8Array.of(9, 10, 11, 12, 13, 14, 15, 16);
const header = {
  initiatorCookie: ci,
  responderCookie: cr,
  exchangeType: ExchangeType.IDENTITY_PROTECTION,
  flags: 0,
  messageId: 0,
};

/** Strip the decoder's extra fields so we can compare with the input. */
function plain(p: Payload & { body?: Uint8Array; raw?: Uint8Array }): unknown {
  const { body: _b, raw: _r, ...rest } = p;
  return JSON.parse(
    JSON.stringify(rest, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    ),
  );
}

describe('ISAKMP codec', () => {
  test('every payload kind round-trips through one message', () => {
    const bytes = encodeMessage(header, allPayloads);
    const m = decodeMessage(bytes);
    if (!m.ok) throw m.error;
    expect(m.value.header.length).toBe(bytes.length);
    expect(m.value.header.nextPayload).toBe(PayloadType.SA);
    expect(cookiePair(m.value.header.initiatorCookie, m.value.header.responderCookie)).toBe(
      '0102030405060708090a0b0c0d0e0f10',
    );
    const ps = decodePayloads(m.value.body, m.value.header.nextPayload);
    if (!ps.ok) throw ps.error;
    expect(ps.value.map(plain)).toEqual(allPayloads.map(plain));
    // The SA body is what RFC 2409 hashes as SAi_b: the payload minus its generic header.
    const sa = find(ps.value, 'sa')!;
    expect(Buffer.from(sa.raw.subarray(4)).equals(Buffer.from(sa.body))).toBe(true);
    expect(
      attrValue(sa.proposals[0]!.transforms[0]!.attributes, Phase1Attribute.LIFE_DURATION),
    ).toBe(86_400);
  });

  test('phase-2 SA with an SPI and two transforms round-trips', () => {
    const b = encodePayloads([phase2Sa]);
    const ps = decodePayloads(b, PayloadType.SA);
    if (!ps.ok) throw ps.error;
    expect(plain(ps.value[0]!)).toEqual(plain(phase2Sa));
  });

  test('padding after the last payload is allowed only where decryption left it', () => {
    const b = encodePayloads([{ kind: 'hash', data: new Uint8Array(20) }]);
    const padded = Uint8Array.from([...b, 0, 0, 0, 3]);
    expect(decodePayloads(padded, PayloadType.HASH, true).ok).toBe(true);
    const r = decodePayloads(padded, PayloadType.HASH, false);
    expect(r.ok).toBe(false);
  });

  const sa = encodePayloads([phase1Sa]);
  const cases: [string, string, number, () => { bytes: Uint8Array; first: number }][] = [
    [
      'short generic header',
      'truncated',
      NotifyType.PAYLOAD_MALFORMED,
      () => ({ bytes: sa.subarray(0, 3), first: PayloadType.SA }),
    ],
    [
      'payload length past the end',
      'bad-length',
      NotifyType.UNEQUAL_PAYLOAD_LENGTHS,
      () => {
        const b = Uint8Array.from(sa);
        b[3] = 0xff;
        return { bytes: b, first: PayloadType.SA };
      },
    ],
    [
      'unknown payload type',
      'invalid-payload-type',
      NotifyType.INVALID_PAYLOAD_TYPE,
      () => ({ bytes: encodePayloads([{ kind: 'vid', data: Uint8Array.of(1) }]), first: 99 }),
    ],
    [
      'a DOI other than IPsec',
      'doi-not-supported',
      NotifyType.DOI_NOT_SUPPORTED,
      () => {
        const b = Uint8Array.from(sa);
        b[7] = 2;
        return { bytes: b, first: PayloadType.SA };
      },
    ],
    [
      'wrong transform count',
      'bad-proposal-syntax',
      NotifyType.BAD_PROPOSAL_SYNTAX,
      () => {
        const b = Uint8Array.from(sa);
        b[4 + 8 + 7] = 3;
        return { bytes: b, first: PayloadType.SA };
      },
    ],
    [
      'a TLV attribute running past its transform',
      'bad-attribute',
      NotifyType.ATTRIBUTES_NOT_SUPPORTED,
      () => {
        const b = Uint8Array.from(sa);
        const at = 4 + 8 + 8 + 8;
        b[at] = 0x00;
        b[at + 2] = 0x40;
        return { bytes: b, first: PayloadType.SA };
      },
    ],
    [
      'a nonce of 4 bytes',
      'payload-malformed',
      NotifyType.PAYLOAD_MALFORMED,
      () => ({
        bytes: encodePayloads([{ kind: 'nonce', data: new Uint8Array(4) }]),
        first: PayloadType.NONCE,
      }),
    ],
    [
      'a delete whose SPIs do not fill it',
      'invalid-spi',
      NotifyType.INVALID_SPI,
      () => {
        const b = encodePayloads([{ kind: 'd', doi: 1, protocolId: 3, spis: [new Uint8Array(4)] }]);
        b[4 + 7] = 2;
        return { bytes: b, first: PayloadType.D };
      },
    ],
    [
      'a notify SPI size past the end',
      'invalid-spi',
      NotifyType.INVALID_SPI,
      () => {
        const b = encodePayloads([
          {
            kind: 'n',
            doi: 1,
            protocolId: 3,
            spi: new Uint8Array(0),
            notifyType: 14,
            data: new Uint8Array(0),
          },
        ]);
        b[4 + 5] = 8;
        return { bytes: b, first: PayloadType.N };
      },
    ],
  ];
  test.each(cases)('%s → %s', (_name, reason, notify, make) => {
    const { bytes, first } = make();
    const r = decodePayloads(bytes, first);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(IsakmpDecodeError);
    expect(r.error.reason).toBe(reason);
    expect(r.error.notifyType).toBe(notify);
  });

  test('headers: short, wrong major version, length beyond the datagram', () => {
    const m = encodeMessage(header, [{ kind: 'vid', data: new Uint8Array(16) }]);
    const short = decodeMessage(m.subarray(0, 27));
    expect(!short.ok && short.error.reason).toBe('truncated');
    const v2 = Uint8Array.from(m);
    v2[17] = 0x20;
    const r2 = decodeMessage(v2);
    expect(!r2.ok && r2.error.reason).toBe('invalid-major-version');
    const long = Uint8Array.from(m);
    long[27] = long[27]! + 1;
    const r3 = decodeMessage(long);
    expect(!r3.ok && r3.error.reason).toBe('bad-length');
  });

  test('more than 64 payloads is refused as a flood', () => {
    const many = Array.from({ length: 65 }, (): Payload => ({
      kind: 'vid',
      data: Uint8Array.of(1),
    }));
    const r = decodePayloads(encodePayloads(many), PayloadType.VID);
    expect(!r.ok && r.error.reason).toBe('too-many');
  });
});

describe('proposal attributes', () => {
  test('a peer life duration of 0 (strongSwan with rekey_time = 0) sets no limit: ours applies', async () => {
    const { parsePhase1 } = await import('@conduits/protocols-isakmp');
    const { readPhase1, phase1Transform } = await import('../src/policy/algorithms.js');
    const t = phase1Transform(parsePhase1('aes128-sha256-modp2048', 0), 1);
    expect(readPhase1(t)?.lifetime).toBe(28_800);
    expect(
      readPhase1(phase1Transform(parsePhase1('aes128-sha256-modp2048', 3600), 1))?.lifetime,
    ).toBe(3600);
  });
});
