/**
 * ESP in UDP (RFC 3948) where strongSwan needs it: tunnel mode at the gateway and at the host,
 * and site-to-site tunnels with any transform. tshark judges the wire.
 */
import { MessagePool } from '@conduits/core';
import { Adversary, PcapWriter } from '@conduits/netsim';
import { ensureTshark, tsharkFields } from '@conduits/netsim/internal';
import { NextHeader } from '@conduits/protocols-inet';
import { writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import type { TransformSpec } from '@conduits/protocols-ipsec';
import { tsharkNames } from '@conduits/protocols-ipsec/internal';
import { ipsecPair, tsharkEspOptions } from './scenario.js';
import { twoSites } from './two-sites.js';

const cbcSha256: TransformSpec = {
  encryption: 'aes-cbc',
  encryptionKeyLength: 16,
  integrity: 'hmac-sha256-128',
};
const ctrSha1: TransformSpec = {
  encryption: 'aes-ctr',
  encryptionKeyLength: 32,
  integrity: 'hmac-sha1-96',
};
const gcm: TransformSpec = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
};

function pingPong(s: ReturnType<typeof twoSites>): number[] {
  const server = s.hostB.bind(7);
  server.datagrams$.subscribe((d) =>
    server.send(d.from, d.fromPort, Uint8Array.from(d.data).reverse()),
  );
  const client = s.hostA.bind(5000);
  const got: number[] = [];
  client.datagrams$.subscribe((d) => got.push(d.data.length));
  client.send(s.hostB.address, 7, Uint8Array.of(1, 2, 3, 4));
  client.send(s.hostB.address, 7, new Uint8Array(1000).fill(9));
  s.net.run();
  return got;
}

describe('site-to-site tunnels take any transform', () => {
  test.each([
    ['aes-cbc/hmac-sha256-128', cbcSha256],
    ['aes-ctr/hmac-sha1-96', ctrSha1],
  ] as const)(
    '%s: siteToSite keys both the cipher and the HMAC; traffic crosses both ways; tshark checks the ICVs',
    (_n, transform) => {
      const s = twoSites(8, 'esp', { transform });
      const wan = new PcapWriter();
      s.wan.capture(wan);
      expect(pingPong(s)).toEqual([4, 1000]);
      for (const g of [s.gwA, s.gwB]) expect(g.graph.drops.total).toBe(0);
      ensureTshark();
      const opts = [
        'esp.enable_encryption_decode:TRUE',
        'esp.enable_authentication_check:TRUE',
        ...s.espSa.split('\n').map((l) => `uat:esp_sa:${l}`),
      ];
      expect(tsharkFields(wan.toBytes(), ['esp.icv_good'], opts).map((r) => r[0])).toEqual([
        '1',
        '1',
        '1',
        '1',
      ]);
    },
  );
});

describe('the gateway: tunnel-mode ESP in UDP (RFC 3948)', () => {
  test('site traffic crosses the WAN as ESP in UDP 4500 both ways; tshark opens it to the inner packets with good UDP checksums', () => {
    const s = twoSites(8, 'esp', { udpEncapsulation: true });
    const wan = new PcapWriter();
    s.wan.capture(wan);
    expect(pingPong(s)).toEqual([4, 1000]);
    for (const g of [s.gwA, s.gwB]) expect(g.graph.drops.total).toBe(0);
    expect(wan.records.every((r) => r.data[6] === NextHeader.UDP)).toBe(true);
    ensureTshark();
    const opts = [
      'esp.enable_encryption_decode:TRUE',
      'esp.enable_authentication_check:TRUE',
      'udp.check_checksum:TRUE',
      ...s.espSa.split('\n').map((l) => `uat:esp_sa:${l}`),
    ];
    const rows = tsharkFields(
      wan.toBytes(),
      ['udp.srcport', 'udp.checksum.status', 'esp.icv_good', 'ipv6.dst'],
      opts,
    );
    // UDP 4500 outside (checksum good), the inner datagram's ports inside.
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['4500,5000', '1,1', '1'],
      ['4500,5000', '1,1', '1'],
      ['4500,7', '1,1', '1'],
      ['4500,7', '1,1', '1'],
    ]);
    expect(rows[0]![3]).toBe('2001:db8:ff::b,2001:db8:b::10');
  });

  test('a NAT keepalive is dropped quietly; ESP in UDP with a bad checksum is refused by reason', () => {
    const s = twoSites(8, 'esp', { udpEncapsulation: true });
    const pool = new MessagePool();
    const to = (data: Uint8Array, breakChecksum = false): Uint8Array => {
      const m = pool.from(data);
      writeUdp(m.buffer, 4500, 4500, s.gwB.addresses[1]!, s.gwA.addresses[1]!);
      if (breakChecksum) m.buffer.bytes[m.buffer.start + 6]! ^= 0xff;
      writeIpv6Header(m.buffer, NextHeader.UDP, 64, s.gwB.addresses[1]!, s.gwA.addresses[1]!);
      return m.buffer.copy();
    };
    const adv = new Adversary();
    s.wan.setAdversary(adv);
    adv.inject('b->a', to(Uint8Array.of(0xff)));
    adv.inject('b->a', to(Uint8Array.of(0, 0, 0x0b, 0x0a, 0, 0, 0, 1, 1, 2, 3, 4), true));
    s.net.run();
    expect(s.gwA.graph.drops.get('nat-keepalive')).toBe(1);
    expect(s.gwA.graph.drops.get('udp-encap-bad-checksum')).toBe(1);
  });
});

describe('the host: tunnel mode, with and without UDP', () => {
  test.each([
    ['ESP in UDP', true],
    ['plain ESP', false],
  ] as const)(
    '%s: the host wraps its packet in an inner IPv6 header (next header 41), opens the tunnel and checks the inner packet',
    (_n, udp) => {
      const p = ipsecPair(gcm, 5, {
        mode: 'tunnel',
        ...(udp ? { udpEncapsulation: { sourcePort: 4500, destinationPort: 4500 } } : {}),
      });
      const pcap = new PcapWriter();
      p.link.capture(pcap);
      const got: number[] = [];
      const server = p.b.bind(7);
      server.datagrams$.subscribe((d) => {
        got.push(d.data.length);
        server.send(d.from, d.fromPort, d.data);
      });
      const back: number[] = [];
      const client = p.a.bind(9);
      client.datagrams$.subscribe((d) => back.push(d.data.length));
      client.send(p.b.address, 7, new Uint8Array(33));
      p.net.run();
      expect(got).toEqual([33]);
      expect(back).toEqual([33]);
      expect(pcap.records.map((r) => r.data[6])).toEqual(
        udp ? [NextHeader.UDP, NextHeader.UDP] : [NextHeader.ESP, NextHeader.ESP],
      );
      ensureTshark();
      const rows = tsharkFields(
        pcap.toBytes(),
        ['esp.icv_good', 'ipv6.nxt', 'udp.dstport'],
        tsharkEspOptions(p, tsharkNames(gcm)!),
      );
      // Outer header, then the inner one the host wrote (next header 41 inside ESP), then the inner UDP.
      expect(rows[0]).toEqual(['1', udp ? '17,17' : '50,17', udp ? '4500,7' : '7']);
    },
  );

  test('a tunnel packet whose inner header is not IPv6 or not for this host is refused', () => {
    const p = ipsecPair(gcm, 5, { mode: 'tunnel' });
    const got: number[] = [];
    p.b.bind(7).datagrams$.subscribe((d) => got.push(d.data.length));
    // The tunnel SA carries a transport payload: next header UDP, not 41.
    const sa = p.sads.a.outbound(0x1001)!;
    const m = new MessagePool().from(Uint8Array.of(1, 2, 3));
    writeUdp(m.buffer, 9, 7, p.a.address, p.b.address);
    expect(sa.encapsulate(m.buffer, NextHeader.UDP)).toBeNull();
    writeIpv6Header(m.buffer, NextHeader.ESP, 64, p.a.address, p.b.address);
    const adv = new Adversary();
    p.link.setAdversary(adv);
    adv.inject('a->b', m.buffer.copy());
    p.net.run();
    expect(got).toEqual([]);
    expect(p.b.graph.drops.get('esp-policy-violation')).toBe(1);
  });
});
