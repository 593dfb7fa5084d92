/** Figure 8: two sites, two security gateways, tunnel-mode ESP between them. */
import { Adversary, PcapWriter } from '@conduits/netsim';
import { ensureTshark, tsharkFields } from '@conduits/netsim/internal';
import { NextHeader, type Datagram } from '@conduits/protocols-inet';
import { writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import { MessagePool } from '@conduits/core';
import { parseEspSa } from '@conduits/protocols-ipsec';
import { twoSites } from './two-sites.js';

describe('two sites through two security gateways', () => {
  test('site A talks to site B; only tunnel ESP crosses the WAN; tshark opens it to the inner packets', () => {
    const s = twoSites();
    const wanCap = new PcapWriter();
    s.wan.capture(wanCap);
    const lanCap = new PcapWriter();
    s.lanA.capture(lanCap);
    const server = s.hostB.bind(7);
    server.datagrams$.subscribe((d) =>
      server.send(d.from, d.fromPort, Uint8Array.from(d.data).reverse()),
    );
    const client = s.hostA.bind(5000);
    const got: Datagram[] = [];
    client.datagrams$.subscribe((d) => got.push(d));
    client.send(s.hostB.address, 7, Uint8Array.of(1, 2, 3, 4));
    client.send(
      s.hostB.address,
      7,
      Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff),
    );
    s.net.run();
    expect(got.map((d) => d.data.length)).toEqual([4, 1000]);
    expect([...got[0]!.data]).toEqual([4, 3, 2, 1]);
    for (const g of [s.gwA, s.gwB]) expect(g.graph.drops.total).toBe(0);
    // On the WAN: only ESP between the gateways' outside addresses.
    expect(wanCap.records.every((r) => r.data[6] === NextHeader.ESP)).toBe(true);
    // On the LAN: the hosts' own UDP.
    expect(lanCap.records.every((r) => r.data[6] === NextHeader.UDP)).toBe(true);

    ensureTshark();
    const opts = [
      'esp.enable_encryption_decode:TRUE',
      'esp.enable_authentication_check:TRUE',
      ...s.espSa.split('\n').map((l) => `uat:esp_sa:${l}`),
    ];
    const rows = tsharkFields(
      wanCap.toBytes(),
      ['ipv6.src', 'ipv6.dst', 'esp.icv_good', 'udp.dstport', 'udp.checksum.status'],
      [...opts, 'udp.check_checksum:TRUE'],
    );
    expect(rows).toEqual([
      ['2001:db8:ff::a,2001:db8:a::10', '2001:db8:ff::b,2001:db8:b::10', '1', '7', '1'],
      ['2001:db8:ff::a,2001:db8:a::10', '2001:db8:ff::b,2001:db8:b::10', '1', '7', '1'],
      ['2001:db8:ff::b,2001:db8:b::10', '2001:db8:ff::a,2001:db8:a::10', '1', '5000', '1'],
      ['2001:db8:ff::b,2001:db8:b::10', '2001:db8:ff::a,2001:db8:a::10', '1', '5000', '1'],
    ]);
    expect(parseEspSa(s.espSa).every((e) => e.transform.encryption === 'aes-gcm')).toBe(true);
  });

  test('a packet spoofed from site B, sent unprotected over the WAN, is refused at gateway A; tampered tunnel packets too', () => {
    const s = twoSites();
    const adv = new Adversary();
    s.wan.setAdversary(adv);
    let got = 0;
    s.hostA.bind(7).datagrams$.subscribe(() => got++);
    const pool = new MessagePool();
    const m = pool.from(Uint8Array.of(6, 6, 6));
    writeUdp(m.buffer, 1, 7, s.hostB.address, s.hostA.address);
    writeIpv6Header(m.buffer, NextHeader.UDP, 64, s.hostB.address, s.hostA.address);
    adv.inject('b->a', m.buffer.copy());
    m.release();
    s.net.run();
    expect(got).toBe(0);
    expect(s.gwA.graph.drops.get('esp-policy-violation')).toBe(1);
    adv.modify(
      () => true,
      (d) => ((d[d.length - 1]! ^= 1), d),
    );
    s.hostB.bind(9).send(s.hostA.address, 7, Uint8Array.of(1));
    s.net.run();
    expect(got).toBe(0);
    expect(s.gwA.graph.drops.get('esp-icv-failed')).toBe(1);
  });

  test('an exhausted hop limit is dropped by reason', () => {
    const s = twoSites();
    const pool = new MessagePool();
    const m = pool.from(Uint8Array.of(1));
    writeUdp(m.buffer, 1, 7, s.hostA.address, s.hostB.address);
    writeIpv6Header(m.buffer, NextHeader.UDP, 1, s.hostA.address, s.hostB.address);
    const adv = new Adversary();
    s.lanA.setAdversary(adv);
    adv.inject('a->b', m.buffer.copy());
    m.release();
    s.net.run();
    expect(s.gwA.graph.drops.get('gw-hop-limit-exceeded')).toBe(1);
  });
});

describe('AH in tunnel mode between the gateways', () => {
  test('site traffic crosses the WAN inside AH (integrity only: the inner packet is readable), and a changed byte is refused', () => {
    const s = twoSites(8, 'ah');
    const wanCap = new PcapWriter();
    s.wan.capture(wanCap);
    const got: number[] = [];
    s.hostB.bind(7).datagrams$.subscribe((d) => got.push(d.data.length));
    const client = s.hostA.bind(5000);
    client.send(s.hostB.address, 7, Uint8Array.of(1, 2, 3));
    s.net.run();
    expect(got).toEqual([3]);
    expect(wanCap.records[0]!.data[6]).toBe(NextHeader.AH);
    ensureTshark();
    // tshark sees the outer header, AH (next header 41), and the inner packet in clear.
    expect(
      tsharkFields(wanCap.toBytes(), ['ah.next_header', 'ipv6.dst', 'udp.dstport'], []),
    ).toEqual([['41', '2001:db8:ff::b,2001:db8:b::10', '7']]);
    const adv = new Adversary();
    s.wan.setAdversary(adv);
    adv.modify(
      () => true,
      (d) => ((d[d.length - 1]! ^= 1), d),
    );
    client.send(s.hostB.address, 7, Uint8Array.of(4));
    s.net.run();
    expect(got).toEqual([3]);
    expect(s.gwB.graph.drops.get('esp-icv-failed')).toBe(1);
  });
});
