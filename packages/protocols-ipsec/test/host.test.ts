/** The IPsec layer in the host graph, on the simulator; tshark judges our ESP. */
import { MessagePool, type Alert } from '@conduits/core';
import { PcapWriter, Adversary } from '@conduits/netsim';
import { ensureTshark, tsharkFields } from '@conduits/netsim/internal';
import {
  dstPort,
  NextHeader,
  remoteAddress,
  srcPort,
  type Datagram,
} from '@conduits/protocols-inet';
import { spi, type TransformSpec } from '@conduits/protocols-ipsec';
import { protectionTag, tsharkNames } from '@conduits/protocols-ipsec/internal';
import { transforms } from './esp.test.js';
import { ipsecPair, tsharkEspOptions } from './scenario.js';

beforeAll(() => ensureTshark(), 180_000);

function exchange(transform: TransformSpec) {
  const p = ipsecPair(transform, 5);
  const pcap = new PcapWriter();
  p.link.capture(pcap);
  const server = p.b.bind(47001);
  server.datagrams$.subscribe((d) =>
    server.send(d.from, d.fromPort, Uint8Array.from(d.data).reverse()),
  );
  const client = p.a.bind(47002);
  const got: Datagram[] = [];
  client.datagrams$.subscribe((d) => got.push(d));
  for (let i = 0; i < 3; i++)
    p.net.scheduler.at(i * 10, () =>
      client.send(
        p.b.address,
        47001,
        Uint8Array.from({ length: 40 + i * 100 }, (_, k) => (k + i) & 0xff),
      ),
    );
  p.net.run();
  return { p, pcap, got };
}

describe.each(transforms)('ESP %s between two hosts', (_n, t) => {
  test('datagrams cross encrypted and come back; nothing is dropped', () => {
    const { p, got } = exchange(t);
    expect(got.map((d) => d.data.length)).toEqual([40, 140, 240]);
    expect([...got[0]!.data]).toEqual(
      [...Uint8Array.from({ length: 40 }, (_, k) => k & 0xff)].reverse(),
    );
    expect(p.a.graph.drops.total + p.b.graph.drops.total).toBe(0);
    expect(p.sads.b.inbound(0x1001)!.stats.packets).toBe(3);
  });
});

// tshark 4.0 cannot decrypt ChaCha20-Poly1305 ESP (INTEROP.md): the RFC 7634 vector checks that one.
const judged = transforms.filter(([, t]) => tsharkNames(t) !== undefined);
describe.each(judged)('ESP %s, judged by tshark', (_n, t) => {
  test('tshark decrypts our ESP and finds every ICV good', () => {
    const names = tsharkNames(t);
    const { p, pcap } = exchange(t);
    const rows = tsharkFields(
      pcap.toBytes(),
      [
        'esp.spi',
        'esp.sequence',
        'esp.icv_good',
        'esp.icv_bad',
        'udp.dstport',
        'data.len',
        'data.data',
      ],
      tsharkEspOptions(p, names!),
    );
    expect(rows).toHaveLength(6);
    for (const [spiHex, , good, bad] of rows) {
      expect(['0x00001001', '0x00002001']).toContain(spiHex);
      expect([good, bad]).toEqual(['1', '0']);
    }
    expect(rows.map((r) => r[4])).toEqual(['47001', '47002', '47001', '47002', '47001', '47002']);
    expect(rows.map((r) => r[5])).toEqual(['40', '40', '140', '140', '240', '240']);
    // The payload tshark decrypted is the one sent (frame 1), and its reversal came back (frame 2).
    const sent = Buffer.from(Uint8Array.from({ length: 40 }, (_, k) => k & 0xff));
    expect(rows[0]![6]).toBe(sent.toString('hex'));
    expect(rows[1]![6]).toBe(Buffer.from(sent).reverse().toString('hex'));
  });
});

describe('policy and attacks', () => {
  const gcm = transforms[0]![1];

  test('an unprotected datagram where the policy requires ESP is refused with an alert', () => {
    const p = ipsecPair(gcm);
    p.spds.a.outbound.unshift({ selector: { nextHeader: NextHeader.UDP }, action: 'bypass' });
    const alerts: Alert[] = [];
    p.b.graph.alerts$.subscribe((a) => alerts.push(a));
    let got = 0;
    p.b.bind(7).datagrams$.subscribe(() => got++);
    p.a.bind(1).send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    expect(got).toBe(0);
    expect(p.b.graph.drops.get('esp-policy-violation')).toBe(1);
    expect(alerts.map((a) => a.reason)).toEqual(['esp-policy-violation']);
  });

  test('DISCARD drops outbound; a missing SA raises an acquire event', () => {
    const p = ipsecPair(gcm);
    const events: string[] = [];
    p.layers.a.events$.subscribe((e) => events.push(e.kind));
    p.spds.a.outbound.unshift({ selector: { remotePort: 9 }, action: 'discard' });
    p.sads.a.delete('outbound', 0x1001);
    const ea = p.a.bind(1);
    ea.send(p.b.address, 9, Uint8Array.of(1));
    ea.send(p.b.address, 7, Uint8Array.of(1));
    p.net.run();
    expect(p.a.graph.drops.snapshot()).toEqual({ 'esp-no-sa': 1, 'ipsec-discard': 1 });
    expect(events).toEqual(['acquire']);
  });

  test('replayed, tampered, truncated and wrong-SPI packets are dropped by reason with alerts; in-window reordering accepted once', () => {
    const p = ipsecPair(gcm);
    const adv = new Adversary();
    p.link.setAdversary(adv);
    adv.delay((pk) => pk.index === 1, 5); // reorder the second behind the third
    const got: number[] = [];
    p.b.bind(7).datagrams$.subscribe((d) => got.push(d.data[0]!));
    const alerts: string[] = [];
    p.b.graph.alerts$.subscribe((a) => alerts.push(a.reason));
    const ea = p.a.bind(1);
    for (let i = 0; i < 3; i++) ea.send(p.b.address, 7, Uint8Array.of(i));
    p.net.run();
    expect(got.sort()).toEqual([0, 1, 2]);
    const first = adv.seen[0]!.data;
    adv.inject('a->b', first); // replay
    // A forgery with a fresh sequence number passes the replay check and fails the ICV.
    const tampered = Uint8Array.from(first);
    new DataView(tampered.buffer).setUint32(40 + 4, 100);
    adv.inject('a->b', tampered);
    // ESP cut short, inside a consistent IPv6 packet.
    const truncated = Uint8Array.from(first.subarray(0, 40 + 8 + 4));
    new DataView(truncated.buffer).setUint16(4, 12);
    adv.inject('a->b', truncated);
    const wrongSpi = Uint8Array.from(first);
    wrongSpi[40 + 3]! ^= 0xff;
    adv.inject('a->b', wrongSpi);
    p.net.run();
    expect(got).toHaveLength(3);
    expect(p.b.graph.drops.snapshot()).toEqual({
      'esp-icv-failed': 1,
      'esp-replay': 1,
      'esp-truncated': 1,
      'esp-unknown-spi': 1,
    });
    expect(alerts.sort()).toEqual(['esp-icv-failed', 'esp-replay', 'esp-unknown-spi']);
    // The forgery did not move the window: the next genuine packet (seq 4) is accepted.
    ea.send(p.b.address, 7, Uint8Array.of(3));
    p.net.run();
    expect(got).toHaveLength(4);
  });

  test('a replay older than the window is refused as outside the window', () => {
    const p = ipsecPair(gcm);
    const adv = new Adversary();
    p.link.setAdversary(adv);
    let got = 0;
    p.b.bind(7).datagrams$.subscribe(() => got++);
    const ea = p.a.bind(1);
    for (let i = 0; i < 70; i++) ea.send(p.b.address, 7, Uint8Array.of(i));
    p.net.run();
    adv.replay(0); // seq 1, while the window (64) now covers 7..70
    adv.replay(60); // seq 61: inside the window, already seen
    p.net.run();
    expect(got).toBe(70);
    expect(p.b.graph.drops.snapshot()).toEqual({ 'esp-outside-window': 1, 'esp-replay': 1 });
  });

  test('deleting an SA wipes its keys', () => {
    const p = ipsecPair(gcm);
    const sa = p.sads.b.inbound(0x1001)!;
    expect(p.sads.b.delete('inbound', 0x1001)).toBe(true);
    expect(sa.keysDestroyed).toBe(true);
    expect(sa.state).toBe('deleted');
  });
});

describe('ESP in UDP (RFC 3948)', () => {
  test('carried in UDP on port 4500; tshark sees UDP 4500 with a good checksum and opens the ESP inside', () => {
    const t = transforms[0]![1];
    const p = ipsecPair(t, 5, { udpEncapsulation: { sourcePort: 4500, destinationPort: 4500 } });
    const pcap = new PcapWriter();
    p.link.capture(pcap);
    const got: number[] = [];
    p.b.bind(47001).datagrams$.subscribe((d) => got.push(d.data.length));
    p.a.bind(1).send(p.b.address, 47001, new Uint8Array(33));
    p.net.run();
    expect(got).toEqual([33]);
    expect(pcap.records[0]!.data[6]).toBe(NextHeader.UDP);
    const rows = tsharkFields(
      pcap.toBytes(),
      ['udp.srcport', 'udp.dstport', 'udp.checksum.status', 'esp.spi', 'esp.icv_good'],
      [...tsharkEspOptions(p, tsharkNames(t)!), 'udp.check_checksum:TRUE'],
    );
    expect(rows[0]!.slice(0, 5)).toEqual(['4500,1', '4500,47001', '1,1', '0x00001001', '1']);
  });

  test('a NAT keepalive (one 0xff byte) is dropped quietly; IKE on 4500 (zero marker) is left to the upper layer', () => {
    const p = ipsecPair(transforms[0]![1], 5);
    // As IKE daemons do: traffic on the NAT-traversal port itself goes unprotected.
    p.spds.a.outbound.unshift({ selector: { remotePort: 4500 }, action: 'bypass' });
    p.spds.b.inbound.unshift({ selector: { localPort: 4500 }, accept: [[]] });
    const ike: number[] = [];
    p.b.bind(4500).datagrams$.subscribe((d) => ike.push(d.data.length));
    const ea = p.a.bind(4500);
    ea.send(p.b.address, 4500, Uint8Array.of(0xff));
    ea.send(p.b.address, 4500, Uint8Array.of(0, 0, 0, 0, 1, 2, 3, 4));
    p.net.run();
    expect(p.b.graph.drops.get('nat-keepalive')).toBe(1);
    expect(ike).toEqual([8]);
  });
});

describe('outgoing protection chosen by a message tag (Figure 7)', () => {
  test('messages tagged "secret" go through ESP, untagged ones bypass', () => {
    const p = ipsecPair(transforms[0]![1], 5);
    p.spds.a.outbound.splice(
      0,
      p.spds.a.outbound.length,
      { selector: { tag: 'secret' }, action: 'protect', sa: spi(0x1001) },
      { selector: {}, action: 'bypass' },
    );
    p.spds.b.inbound.unshift({ selector: { nextHeader: NextHeader.UDP }, accept: [[], ['esp']] });
    const pcap = new PcapWriter();
    p.link.capture(pcap);
    const got: number[] = [];
    p.b.bind(7).datagrams$.subscribe((d) => got.push(d.data[0]!));
    const ep = p.a.bind(1);
    ep.send(p.b.address, 7, Uint8Array.of(1));
    // The application tags its message through the adaptor's message (a stack attribute).
    const tagged = p.a.bind(2);
    tagged.onDatagram(() => undefined);
    const m = new MessagePool().from(Uint8Array.of(2));
    m.set(remoteAddress, p.b.address).set(dstPort, 7).set(srcPort, 2).set(protectionTag, 'secret');
    tagged.inject(m);
    p.net.run();
    expect(got.sort()).toEqual([1, 2]);
    expect(pcap.records.map((r) => r.data[6])).toEqual([NextHeader.UDP, NextHeader.ESP]);
  });
});
