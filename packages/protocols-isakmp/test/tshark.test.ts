/**
 * tshark as the outside judge of our encoding: every payload kind we write, in Main Mode,
 * Quick Mode and Informational messages sent as plaintext, is dissected with no
 * [Malformed Packet] and no expert error or warning, and tshark reads the same fields back.
 */
import { writeFileSync } from 'node:fs';
import { LinkType, PcapWriter } from '@conduits/netsim';
import { ensureTshark } from '@conduits/netsim/internal';
import { tsharkFields } from '@conduits/netsim/internal';
import { encodeMessage, ExchangeType, NotifyType, type Payload } from '@conduits/protocols-isakmp';
import { udpFrame } from './frames.js';
import { allPayloads, phase1Sa, phase2Sa } from './samples.js';

const ci = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
const cr = Uint8Array.of(0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01);

beforeAll(() => ensureTshark());

test('tshark dissects every payload we encode without errors', () => {
  const messages: [number, number, Payload[]][] = [
    [ExchangeType.IDENTITY_PROTECTION, 0, [phase1Sa, allPayloads[10]!]],
    [
      ExchangeType.IDENTITY_PROTECTION,
      0,
      allPayloads.slice(1, 3).concat([allPayloads[11]!, allPayloads[11]!]),
    ],
    [ExchangeType.AGGRESSIVE, 0, allPayloads],
    [
      ExchangeType.QUICK_MODE,
      0x01020304,
      [
        { kind: 'hash', data: new Uint8Array(32) },
        phase2Sa,
        allPayloads[2]!,
        allPayloads[3]!,
        allPayloads[3]!,
      ],
    ],
    [
      ExchangeType.INFORMATIONAL,
      0x0a0b0c0d,
      [{ kind: 'hash', data: new Uint8Array(32) }, allPayloads[9]!],
    ],
    [
      ExchangeType.INFORMATIONAL,
      0x0a0b0c0e,
      [
        {
          kind: 'n',
          doi: 1,
          protocolId: 1,
          spi: Uint8Array.from([...ci, ...cr]),
          notifyType: NotifyType.AUTHENTICATION_FAILED,
          data: new Uint8Array(0),
        },
      ],
    ],
  ];
  const pcap = new PcapWriter(LinkType.IPV6);
  messages.forEach(([exchangeType, messageId, payloads], i) => {
    const m = encodeMessage(
      {
        initiatorCookie: ci,
        responderCookie: i === 0 ? new Uint8Array(8) : cr,
        exchangeType,
        flags: 0,
        messageId,
      },
      payloads,
    );
    pcap.add(i, udpFrame('2001:db8::1', '2001:db8::2', 500, 500, m));
  });
  const rows = tsharkFields(pcap.toBytes(), [
    'frame.number',
    'isakmp.exchangetype',
    'isakmp.length',
    '_ws.malformed',
    '_ws.expert.severity',
    'isakmp.notify.msgtype',
    'isakmp.sa.doi',
  ]);
  if (process.env['DUMP']) writeFileSync(process.env['DUMP'], pcap.toBytes());
  expect(rows).toHaveLength(messages.length);
  rows.forEach((r, i) => {
    expect(r[1]).toBe(String(messages[i]![0]));
    expect(r[3] ?? '').toBe('');
    expect(r[4] ?? '').toBe('');
  });
  expect(rows[5]![5]).toBe(String(NotifyType.AUTHENTICATION_FAILED));
});
