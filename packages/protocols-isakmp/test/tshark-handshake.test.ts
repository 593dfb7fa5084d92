/**
 * tshark judges a whole negotiation between two of our peers: every message of Main Mode and
 * Quick Mode (PFS, tunnel) is dissected with no [Malformed Packet] and no expert error, and
 * with the `ikev1_decryption_table` line our initiator wrote, tshark decrypts the encrypted
 * ones to the payloads we sent (so our SKEYID_e expansion and IV chaining match Wireshark's).
 */
import { LinkType, PcapWriter } from '@conduits/netsim';
import { ensureTshark } from '@conduits/netsim/internal';
import { tsharkFields } from '@conduits/netsim/internal';
import { pair } from './scenario.js';

beforeAll(() => ensureTshark());

test('tshark decrypts our Main Mode and Quick Mode with the key file we write', () => {
  const keys: string[] = [];
  const p = pair({
    keyLog: (l) => keys.push(l),
    mode: 'tunnel',
    esp: ['aes128-sha256-modp2048'],
    ike: ['aes256-sha256-modp2048'],
  });
  const capture = new PcapWriter(LinkType.IPV6);
  p.link.capture(capture);
  p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
  p.net.run(p.net.scheduler.now() + 10_000);
  p.a.host.bind(10).send(p.b.host.address, 7, Uint8Array.of(2));
  p.net.run(p.net.scheduler.now() + 10_000);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^[0-9a-f]{16},[0-9a-f]{64}$/);
  const pcap = capture.toBytes();
  const fields = [
    'frame.number',
    '_ws.malformed',
    '_ws.expert.severity',
    'isakmp.exchangetype',
    'isakmp.typepayload',
    'esp.spi',
  ];
  const rows = tsharkFields(pcap, fields, [`uat:ikev1_decryption_table:${keys[0]}`]);
  expect(rows.map((r) => [r[3], r[4]])).toEqual(
    [
      ['2', '1,2,3'], // SA (proposal, transform)
      ['2', '1,2,3'],
      ['2', '4,10'], // KE, NONCE
      ['2', '4,10'],
      ['2', '5,8'], // decrypted: ID, HASH
      ['2', '5,8'],
      ['32', '8,1,2,3,10,4,5,5'], // decrypted: HASH(1), SA, NONCE, KE, IDci, IDcr
      ['32', '8,1,2,3,10,4,5,5'],
      ['32', '8'], // HASH(3)
      [undefined, undefined], // the datagram, as ESP
    ].map(([a, b]) => [a ?? '', b ?? '']),
  );
  for (const r of rows) {
    expect(r[1] ?? '').toBe('');
    expect(r[2] ?? '').toBe('');
  }
  expect(rows[9]![5]).not.toBe('');
  // Without the key, tshark sees only ciphertext where it saw payloads.
  const blind = tsharkFields(pcap, fields);
  expect(blind[4]![4] ?? '').toBe('');
});

test('tshark dissects and decrypts our Aggressive Mode (the first two messages in clear, HASH_I encrypted)', () => {
  const keys: string[] = [];
  const p = pair({ keyLog: (l) => keys.push(l), aggressive: true });
  const capture = new PcapWriter(LinkType.IPV6);
  p.link.capture(capture);
  p.a.host.bind(9).send(p.b.host.address, 7, Uint8Array.of(1));
  p.net.run(p.net.scheduler.now() + 10_000);
  const rows = tsharkFields(
    capture.toBytes(),
    ['_ws.malformed', '_ws.expert.severity', 'isakmp.exchangetype', 'isakmp.typepayload'],
    [`uat:ikev1_decryption_table:${keys[0]}`],
  );
  expect(rows.map((r) => [r[2], r[3]])).toEqual([
    ['4', '1,2,3,4,10,5'],
    ['4', '1,2,3,4,10,5,8'],
    ['4', '8'],
    ['32', '8,1,2,3,10,5,5'],
    ['32', '8,1,2,3,10,5,5'],
    ['32', '8'],
  ]);
  for (const r of rows) expect((r[0] ?? '') + (r[1] ?? '')).toBe('');
});
