/** AH (RFC 4302) and the paper's policy example (§4.2): accept none, AH, or AH+ESP; refuse ESP alone and double AH. */
import { SeededRandom, type Alert } from '@conduits/core';
import { Adversary, Network, PcapWriter } from '@conduits/netsim';
import { ensureTshark, tsharkFields } from '@conduits/netsim/internal';
import { NextHeader, parseIpv6, type Host } from '@conduits/protocols-inet';
import {
  ipsecLayer,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type Protection,
  type SaConfig,
  type Spi,
} from '@conduits/protocols-ipsec';
import { createHmac } from 'node:crypto';

const A = '2001:db8:2::1';
const B = '2001:db8:2::2';
const gcm = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
} as const;
const sha256 = {
  encryption: 'null',
  encryptionKeyLength: 0,
  integrity: 'hmac-sha256-128',
} as const;

/** Hosts whose a→b SAs are: ESP 0x10, AH 0x20, AH 0x21 (a second one, for double AH). */
function setup(outbound: Spi[], accept: readonly Protection[] = [[], ['ah'], ['ah', 'esp']]) {
  return setupWith(outbound, 'after-all', accept);
}

function setupWith(
  outbound: Spi[],
  placement: 'after-all' | 'per-layer',
  accept: readonly Protection[] = [[], ['ah'], ['ah', 'esp']],
) {
  const rnd = new SeededRandom(4);
  const ahKey = rnd.bytes(32);
  const sas: SaConfig[] = [
    {
      spi: 0x10,
      direction: 'outbound',
      mode: 'transport',
      transform: gcm,
      encryptionKey: rnd.bytes(20),
    },
    {
      spi: 0x20,
      protocol: 'ah',
      direction: 'outbound',
      mode: 'transport',
      transform: sha256,
      encryptionKey: new Uint8Array(0),
      integrityKey: ahKey,
    },
    {
      spi: 0x21,
      protocol: 'ah',
      direction: 'outbound',
      mode: 'transport',
      transform: sha256,
      encryptionKey: new Uint8Array(0),
      integrityKey: rnd.bytes(32),
    },
    {
      spi: 0x11,
      direction: 'outbound',
      mode: 'transport',
      transform: gcm,
      encryptionKey: rnd.bytes(20),
    },
  ];
  const sadA = new SecurityAssociationDatabase();
  const sadB = new SecurityAssociationDatabase();
  for (const c of sas) {
    sadA.create(c);
    sadB.create({ ...c, direction: 'inbound' });
  }
  const spdA = new SecurityPolicyDatabase();
  spdA.addOutbound(
    outbound.length
      ? { selector: { nextHeader: NextHeader.UDP }, action: 'protect', sa: outbound }
      : { selector: {}, action: 'bypass' },
  );
  const spdB = new SecurityPolicyDatabase();
  spdB.addInbound({ selector: { nextHeader: NextHeader.UDP }, accept });
  const net = new Network(4);
  const a = net.host('a', A, {
    security: ipsecLayer({ sad: sadA, spd: spdA, address: parseIpv6(A) }).conduit,
  });
  const b = net.host('b', B, {
    security: ipsecLayer({ sad: sadB, spd: spdB, address: parseIpv6(B), placement }).conduit,
  });
  const link = net.connect(a, b, { delay: 1 });
  const alerts: Alert[] = [];
  b.graph.alerts$.subscribe((x) => alerts.push(x));
  let got = 0;
  b.bind(7).datagrams$.subscribe(() => got++);
  const client = a.bind(9);
  const send = (data = Uint8Array.of(1, 2, 3)): void => client.send(parseIpv6(B), 7, data);
  return { net, a, b, link, alerts, received: () => got, send, ahKey, sadB };
}

describe("the paper's policy: accept none, AH, or AH+ESP; refuse ESP only and double AH", () => {
  test.each([
    ['no protection', [], 1, undefined],
    ['AH', [spi(0x20)], 1, undefined],
    ['AH outside ESP', [spi(0x10), spi(0x20)], 1, undefined],
    ['ESP only', [spi(0x10)], 0, 'esp-policy-violation'],
    ['double AH', [spi(0x20), spi(0x21)], 0, 'esp-policy-violation'],
  ] as const)('%s', (_n, bundle, delivered, reason) => {
    const s = setup([...bundle]);
    s.send();
    s.net.run();
    expect(s.received()).toBe(delivered);
    if (reason) {
      expect(s.b.graph.drops.get(reason)).toBe(1);
      expect(s.alerts.map((x) => x.reason)).toEqual([reason]);
    }
  });
});

describe('AH integrity', () => {
  test('mutable fields (traffic class, flow label, hop limit) may change en route; anything else may not', () => {
    const s = setup([spi(0x20)]);
    const adv = new Adversary();
    s.link.setAdversary(adv);
    adv.modify(
      (p) => p.index === 0,
      (d) => ((d[0] = 0x6f), (d[1] = 0xff), (d[3] = 0x42), (d[7] = 1), d),
    );
    adv.modify(
      (p) => p.index === 1,
      (d) => ((d[d.length - 1]! ^= 1), d),
    );
    adv.modify(
      (p) => p.index === 2,
      (d) => ((d[9]! ^= 1), d),
    ); // the source address is covered
    s.send();
    s.send();
    s.send();
    s.net.run();
    expect(s.received()).toBe(1);
    expect(s.b.graph.drops.get('esp-icv-failed')).toBe(2);
  });

  test('the ICV is what an independent computation of RFC 4302 §3.3.3 gives (node:crypto HMAC over the zeroed packet)', () => {
    const s = setup([spi(0x20)]);
    const pcap = new PcapWriter();
    s.link.capture(pcap);
    s.send(Uint8Array.of(9, 8, 7, 6, 5));
    s.net.run();
    const pkt = Uint8Array.from(pcap.records[0]!.data);
    expect(pkt[6]).toBe(51);
    const ahLen = (pkt[41]! + 2) * 4;
    expect(ahLen).toBe(32); // 12 + 16-byte ICV, already a multiple of 8
    const icv = pkt.slice(40 + 12, 40 + 28);
    const zeroed = Uint8Array.from(pkt);
    zeroed[0] = 0x60; // version kept; traffic class and flow label zeroed
    zeroed.fill(0, 1, 4);
    zeroed[7] = 0; // hop limit
    zeroed.fill(0, 40 + 12, 40 + ahLen); // the ICV field
    const expected = createHmac('sha256', s.ahKey).update(zeroed).digest().subarray(0, 16);
    expect(Buffer.from(icv).toString('hex')).toBe(expected.toString('hex'));
  });

  test('tshark dissects our AH and the UDP datagram behind it (checksum good)', () => {
    ensureTshark();
    const s = setup([spi(0x10), spi(0x20)]);
    const pcap = new PcapWriter();
    s.link.capture(pcap);
    s.send();
    s.send();
    s.net.run();
    const rows = tsharkFields(
      pcap.toBytes(),
      ['ipv6.nxt', 'ah.spi', 'ah.sequence', 'ah.next_header', 'esp.spi'],
      [],
    );
    expect(rows).toEqual([
      ['51', '0x00000020', '1', '50', '0x00000010'],
      ['51', '0x00000020', '2', '50', '0x00000010'],
    ]);
    const plainAh = setup([spi(0x20)]);
    const p2 = new PcapWriter();
    plainAh.link.capture(p2);
    plainAh.send();
    plainAh.net.run();
    expect(
      tsharkFields(
        p2.toBytes(),
        ['ah.next_header', 'udp.dstport', 'udp.checksum.status'],
        ['udp.check_checksum:TRUE'],
      ),
    ).toEqual([['17', '7', '1']]);
  });

  test('AH replay is refused once the window has seen the packet', () => {
    const s = setup([spi(0x20)]);
    const adv = new Adversary();
    s.link.setAdversary(adv);
    s.send();
    s.net.run();
    adv.replay(0);
    s.net.run();
    expect(s.received()).toBe(1);
    expect(s.b.graph.drops.get('esp-replay')).toBe(1);
  });
});

export type { Host };

describe('the alternative placement: policy checked before each further layer', () => {
  test('the same verdicts as checking at the end, and a doubly wrapped packet is refused before its second opening', () => {
    for (const [bundle, ok] of [
      [[spi(0x20)], true],
      [[spi(0x10), spi(0x20)], true],
      [[spi(0x10)], false],
      [[spi(0x20), spi(0x21)], false],
    ] as const) {
      const s = setupWith([...bundle], 'per-layer');
      s.send();
      s.net.run();
      expect(s.received()).toBe(ok ? 1 : 0);
    }
    // ESP inside ESP: structurally allowed, refused by the policy. The bundle [0x10, 0x11]
    // applies 0x10 first, so 0x11 is outside.
    const onlyEsp: readonly Protection[] = [['esp']];
    const s = setupWith([spi(0x10), spi(0x11)], 'per-layer', onlyEsp);
    s.send();
    s.net.run();
    expect(s.received()).toBe(0);
    expect(s.sadB.inbound(0x11)!.stats.packets).toBe(1);
    expect(s.sadB.inbound(0x10)!.stats.packets).toBe(0); // never decrypted
    // Checking at the end decrypts both layers before refusing.
    const end = setupWith([spi(0x10), spi(0x11)], 'after-all', onlyEsp);
    end.send();
    end.net.run();
    expect(end.received()).toBe(0);
    expect(end.sadB.inbound(0x10)!.stats.packets).toBe(1);
  });
});

describe('AH over extension headers (RFC 4302 §3.3.3.1.2.2)', () => {
  test('option data marked "may change en route" is zeroed for the ICV: changing it keeps the packet valid; changing fixed data does not', () => {
    const s = setup([]);
    // IPv6 (nh 0) | Hop-by-Hop (nh 51): option 0x3e (skip if unknown, may change) 4 bytes | AH | UDP
    const udp = new Uint8Array(8 + 3);
    udp.set([0, 9, 0, 7, 0, 11, 0, 0, 1, 2, 3]);
    // UDP checksum over the pseudo-header, computed here independently.
    const a = parseIpv6(A);
    const b = parseIpv6(B);
    let sum = 0;
    for (const arr of [a, b]) for (let i = 0; i < 16; i += 2) sum += (arr[i]! << 8) | arr[i + 1]!;
    sum += 11 + 17;
    for (let i = 0; i < udp.length; i += 2) sum += (udp[i]! << 8) | (udp[i + 1] ?? 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    udp[6] = (~sum >> 8) & 0xff;
    udp[7] = ~sum & 0xff;
    const hbh = Uint8Array.of(51, 0, 0x3e, 4, 0xaa, 0xbb, 0xcc, 0xdd);
    const ah = new Uint8Array(32);
    ah.set([17, 32 / 4 - 2, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 1]);
    const plen = hbh.length + ah.length + udp.length;
    const header = new Uint8Array(40);
    header.set([0x60, 0, 0, 0, plen >> 8, plen & 0xff, 0, 64]);
    header.set(a, 8);
    header.set(b, 24);
    const zeroedHeader = Uint8Array.from(header);
    zeroedHeader[7] = 0;
    const zeroedHbh = Uint8Array.from(hbh);
    zeroedHbh.fill(0, 4, 8);
    const icv = createHmac('sha256', s.ahKey)
      .update(zeroedHeader)
      .update(zeroedHbh)
      .update(ah)
      .update(udp)
      .digest()
      .subarray(0, 16);
    ah.set(icv, 12);
    const packet = new Uint8Array([...header, ...hbh, ...ah, ...udp]);

    const adv = new Adversary();
    s.link.setAdversary(adv);
    const changedOption = Uint8Array.from(packet);
    changedOption.set([1, 2, 3, 4], 44); // mutable option data: allowed to change
    changedOption[7] = 3; // hop limit: mutable too
    adv.inject('a->b', changedOption);
    s.net.run();
    expect(s.received()).toBe(1);
    const changedFixed = Uint8Array.from(packet);
    changedFixed[packet.length - 1]! ^= 1; // payload
    new DataView(changedFixed.buffer).setUint32(40 + 8 + 8, 2); // a fresh sequence number, so the replay check passes
    adv.inject('a->b', changedFixed);
    s.net.run();
    expect(s.received()).toBe(1);
    expect(s.b.graph.drops.get('esp-icv-failed')).toBe(1);
  });
});
