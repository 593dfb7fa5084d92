/**
 * RFC 4301 §5.2: after an IPsec layer is removed, the packet (the inner one in tunnel mode)
 * must match the selectors of the SA that opened it; RFC 4303 §2.6: dummy packets (next
 * header 59) are discarded quietly. For the host's layer and for the gateway.
 */
import { MessagePool, SeededRandom } from '@conduits/core';
import { Adversary, Interface, Network } from '@conduits/netsim';
import { NextHeader, parseIpv6, type Datagram } from '@conduits/protocols-inet';
import { writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import {
  Gateway,
  SecurityAssociation,
  siteToSite,
  type SaConfig,
  type TransformSpec,
} from '@conduits/protocols-ipsec';
import { ipsecPair } from './scenario.js';

const pool = new MessagePool();
const gcm: TransformSpec = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
};
const HOST_C = '2001:db8:1::3';

/** An ESP packet made with `sa` (outbound), inside an IPv6 header from `src` to `dst`. */
function espPacket(
  sa: SecurityAssociation,
  payload: Uint8Array,
  nh: number,
  src: Uint8Array,
  dst: Uint8Array,
): Uint8Array {
  const m = pool.from(payload);
  expect(sa.encapsulate(m.buffer, nh)).toBeNull();
  writeIpv6Header(m.buffer, NextHeader.ESP, 64, src, dst);
  const bytes = m.buffer.copy();
  m.release();
  return bytes;
}

/** A UDP datagram from `src` to `dst` (the payload of transport-mode ESP). */
function udp(src: Uint8Array, dst: Uint8Array, dstPort: number, data: Uint8Array): Uint8Array {
  const m = pool.from(data);
  writeUdp(m.buffer, 1, dstPort, src, dst);
  const bytes = m.buffer.copy();
  m.release();
  return bytes;
}

/** Host b also shares an SA with a third host C (SPI 0x3001, C → b); C turns out to be hostile. */
function pairWithThirdPeer() {
  const p = ipsecPair(gcm, 11);
  const key = new SeededRandom(99).bytes(20);
  const cfg: SaConfig = {
    spi: 0x3001,
    direction: 'inbound',
    mode: 'transport',
    source: parseIpv6(HOST_C),
    destination: p.b.address,
    transform: gcm,
    encryptionKey: key,
  };
  p.sads.b.create(cfg);
  p.spds.b.addInbound({
    selector: { remote: { address: parseIpv6(HOST_C), prefix: 128 }, nextHeader: NextHeader.UDP },
    accept: [['esp']],
  });
  const c = new SecurityAssociation({ ...cfg, direction: 'outbound' });
  const adv = new Adversary();
  p.link.setAdversary(adv);
  const got: Datagram[] = [];
  p.b.bind(7).datagrams$.subscribe((d) => got.push(d));
  const alerts: string[] = [];
  p.b.graph.alerts$.subscribe((a) => alerts.push(a.reason));
  return { p, c, adv, got, alerts };
}

describe('host: inbound selector check (RFC 4301 §5.2)', () => {
  test("a peer holding its own SA cannot send packets claiming another peer's address", () => {
    const { p, c, adv, got, alerts } = pairWithThirdPeer();
    const cAddr = parseIpv6(HOST_C);
    // C's genuine traffic is delivered, as from C.
    adv.inject(
      'a->b',
      espPacket(
        c,
        udp(cAddr, p.b.address, 7, Uint8Array.of(1)),
        NextHeader.UDP,
        cAddr,
        p.b.address,
      ),
    );
    p.net.run();
    expect(got.map((d) => [...d.from])).toEqual([[...cAddr]]);
    // C, with its own SA, claims to be a.
    adv.inject(
      'a->b',
      espPacket(
        c,
        udp(p.a.address, p.b.address, 7, Uint8Array.of(2)),
        NextHeader.UDP,
        p.a.address,
        p.b.address,
      ),
    );
    p.net.run();
    expect(got).toHaveLength(1);
    expect(p.b.graph.drops.get('esp-selector-mismatch')).toBe(1);
    expect(alerts).toEqual(['esp-selector-mismatch']);
  });

  test("tunnel mode: the inner packet is checked against the tunnel SA's selectors, not the outer header", () => {
    const p = ipsecPair(gcm, 13);
    const gwC = parseIpv6('2001:db8:ff::c');
    const siteC = { address: parseIpv6('2001:db8:c::'), prefix: 48 };
    const cfg: SaConfig = {
      spi: 0x4001,
      direction: 'inbound',
      mode: 'tunnel',
      source: gwC,
      destination: p.b.address,
      transform: gcm,
      encryptionKey: new SeededRandom(7).bytes(20),
      selector: { remote: siteC, local: { address: p.b.address, prefix: 128 } },
    };
    p.sads.b.create(cfg);
    p.spds.b.addInbound({ selector: { remote: siteC }, accept: [['esp']] });
    const c = new SecurityAssociation({ ...cfg, direction: 'outbound' });
    const adv = new Adversary();
    p.link.setAdversary(adv);
    const alerts: string[] = [];
    p.b.graph.alerts$.subscribe((a) => alerts.push(a.reason));
    const inner = (src: Uint8Array): Uint8Array => {
      const m = pool.from(udp(src, p.b.address, 7, Uint8Array.of(1)));
      writeIpv6Header(m.buffer, NextHeader.UDP, 64, src, p.b.address);
      const bytes = m.buffer.copy();
      m.release();
      return bytes;
    };
    adv.inject(
      'a->b',
      espPacket(c, inner(parseIpv6('2001:db8:c::10')), NextHeader.IPV6, gwC, p.b.address),
    );
    p.net.run();
    // Opened, and past the selector and policy checks (what the host does with an inner packet is not this test's business).
    expect(p.sads.b.inbound(0x4001)!.stats.packets).toBe(1);
    expect(p.b.graph.drops.get('esp-selector-mismatch')).toBe(0);
    expect(p.b.graph.drops.get('esp-policy-violation')).toBe(0);
    adv.inject('a->b', espPacket(c, inner(p.a.address), NextHeader.IPV6, gwC, p.b.address));
    p.net.run();
    expect(p.b.graph.drops.get('esp-selector-mismatch')).toBe(1);
    expect(alerts).toEqual(['esp-selector-mismatch']);
  });
});

describe('host: dummy packets (RFC 4303 §2.6)', () => {
  test('an ESP packet whose next header is 59 is discarded and counted, with no alert and no policy violation', () => {
    const p = ipsecPair(gcm, 12);
    const k = p.keyed[0]!;
    const sa = new SecurityAssociation({
      spi: k.spi,
      direction: 'outbound',
      mode: 'transport',
      transform: gcm,
      encryptionKey: k.encryptionKey,
    });
    const adv = new Adversary();
    p.link.setAdversary(adv);
    const alerts: string[] = [];
    p.b.graph.alerts$.subscribe((a) => alerts.push(a.reason));
    adv.inject(
      'a->b',
      espPacket(sa, new Uint8Array(24), NextHeader.NO_NEXT_HEADER, p.a.address, p.b.address),
    );
    p.net.run();
    expect(p.b.graph.drops.snapshot()).toEqual({ 'esp-dummy': 1 });
    expect(alerts).toEqual([]);
    // The dummy was authenticated: it moved the window like any packet (replaying it is a replay).
    expect(p.sads.b.inbound(k.spi)!.stats.packets).toBe(1);
  });
});

const SITE = { a: '2001:db8:a::', b: '2001:db8:b::', c: '2001:db8:c::' };
const OUTSIDE = { a: '2001:db8:ff::a', b: '2001:db8:ff::b', c: '2001:db8:ff::c' };

/** Gateway A with tunnels to B and C; the WAN end of A is driven directly by an adversary. */
function gatewayWithTwoPeers() {
  const rnd = new SeededRandom(5);
  const net = new Network(5);
  const key = { ba: rnd.bytes(20), ca: rnd.bytes(20), ab: rnd.bytes(20), ac: rnd.bytes(20) };
  const transform: TransformSpec = gcm;
  const toB = siteToSite({
    local: { outside: OUTSIDE.a, site: `${SITE.a}/48` },
    peer: { outside: OUTSIDE.b, site: `${SITE.b}/48` },
    transform,
    outbound: { spi: 0xa0b, key: key.ab },
    inbound: { spi: 0xb0a, key: key.ba },
  });
  siteToSite(
    {
      local: { outside: OUTSIDE.a, site: `${SITE.a}/48` },
      peer: { outside: OUTSIDE.c, site: `${SITE.c}/48` },
      transform,
      outbound: { spi: 0xa0c, key: key.ac },
      inbound: { spi: 0xc0a, key: key.ca },
    },
    toB,
  );
  const ifs = [new Interface('gwA-inside'), new Interface('gwA-outside')];
  const gw = new Gateway(
    {
      name: 'gateway-A',
      addresses: [`${SITE.a}1`, OUTSIDE.a],
      interfaces: ifs,
      routes: [
        { prefix: { address: parseIpv6(SITE.a), prefix: 48 }, interface: 0 },
        { prefix: { address: parseIpv6('::'), prefix: 0 }, interface: 1 },
      ],
      sad: toB.sad,
      spd: toB.spd,
    },
    net.scheduler,
  );
  const hostA = net.host('hostA', `${SITE.a}10`);
  net.link(hostA.link as Interface, ifs[0]!, { delay: 1 });
  const wan = net.link(new Interface('wan-peer'), ifs[1]!, { delay: 1 });
  const adv = new Adversary();
  wan.setAdversary(adv);
  const got: Datagram[] = [];
  hostA.bind(7).datagrams$.subscribe((d) => got.push(d));
  const alerts: string[] = [];
  gw.graph.alerts$.subscribe((a) => alerts.push(a.reason));
  /** What gateway C sends into its tunnel: an inner packet, sealed by the C → A SA. */
  const fromC = new SecurityAssociation({
    spi: 0xc0a,
    direction: 'outbound',
    mode: 'tunnel',
    transform,
    encryptionKey: key.ca,
  });
  const tunnelFromC = (inner: Uint8Array, nh: number = NextHeader.IPV6): Uint8Array =>
    espPacket(fromC, inner, nh, parseIpv6(OUTSIDE.c), parseIpv6(OUTSIDE.a));
  const innerPacket = (src: string, dst: string, data: Uint8Array): Uint8Array => {
    const m = pool.from(udp(parseIpv6(src), parseIpv6(dst), 7, data));
    writeIpv6Header(m.buffer, NextHeader.UDP, 63, parseIpv6(src), parseIpv6(dst));
    const bytes = m.buffer.copy();
    m.release();
    return bytes;
  };
  return { net, gw, hostA, adv, got, alerts, tunnelFromC, innerPacket };
}

describe('gateway: inbound selector check on the inner packet (RFC 4301 §5.2)', () => {
  test("a peer gateway cannot make us forward tunnel traffic whose inner source is in another peer's site", () => {
    const s = gatewayWithTwoPeers();
    // C's own site talking to site A: forwarded.
    s.adv.inject(
      'a->b',
      s.tunnelFromC(s.innerPacket(`${SITE.c}10`, `${SITE.a}10`, Uint8Array.of(1))),
    );
    s.net.run();
    expect(s.got.map((d) => d.data[0])).toEqual([1]);
    // C puts a packet from site B in its tunnel.
    s.adv.inject(
      'a->b',
      s.tunnelFromC(s.innerPacket(`${SITE.b}10`, `${SITE.a}10`, Uint8Array.of(2))),
    );
    s.net.run();
    expect(s.got).toHaveLength(1);
    expect(s.gw.graph.drops.get('esp-selector-mismatch')).toBe(1);
    expect(s.alerts).toEqual(['esp-selector-mismatch']);
    // Nor a packet from our own site, nor one for a site that is not ours.
    s.adv.inject(
      'a->b',
      s.tunnelFromC(s.innerPacket(`${SITE.a}20`, `${SITE.a}10`, Uint8Array.of(3))),
    );
    s.adv.inject(
      'a->b',
      s.tunnelFromC(s.innerPacket(`${SITE.c}10`, `${SITE.b}10`, Uint8Array.of(4))),
    );
    s.net.run();
    expect(s.got).toHaveLength(1);
    expect(s.gw.graph.drops.get('esp-selector-mismatch')).toBe(3);
  });

  test('a tunnel dummy packet (next header 59) is discarded quietly and counted', () => {
    const s = gatewayWithTwoPeers();
    s.adv.inject('a->b', s.tunnelFromC(new Uint8Array(40), NextHeader.NO_NEXT_HEADER));
    s.net.run();
    expect(s.gw.graph.drops.snapshot()).toEqual({ 'esp-dummy': 1 });
    expect(s.alerts).toEqual([]);
  });
});
