/**
 * The two-site demo (Java Conduits Figure 8): hosts in 2001:db8:a::/48 and 2001:db8:b::/48
 * talk through two security gateways joined by tunnel-mode ESP over a WAN link, where an
 * attacker replays a tunnel packet and injects a packet spoofed from site B.
 */
import { MessagePool, SeededRandom, type Alert } from '@conduits/core';
import { Adversary, Interface, Network, PcapWriter, type Link } from '@conduits/netsim';
import { NextHeader, parseIpv6, type Host } from '@conduits/protocols-inet';
import { describePacket, writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import { formatEspSa, Gateway, siteToSite, type TransformSpec } from '@conduits/protocols-ipsec';

export interface TwoSiteDemo {
  readonly net: Network;
  readonly hostA: Host;
  readonly hostB: Host;
  readonly gateways: readonly Gateway[];
  readonly wan: Link;
  readonly pcap: PcapWriter;
  readonly espSa: string;
  readonly log: string[];
}

export function buildTwoSites(seed = 11): TwoSiteDemo {
  const rnd = new SeededRandom(seed);
  const net = new Network(seed);
  const transform: TransformSpec = {
    encryption: 'aes-gcm',
    encryptionKeyLength: 32,
    integrity: 'none',
    icvLength: 16,
  };
  const [kab, kba] = [rnd.bytes(36), rnd.bytes(36)];
  const ends = {
    A: { outside: '2001:db8:ff::a', site: '2001:db8:a::/48' },
    B: { outside: '2001:db8:ff::b', site: '2001:db8:b::/48' },
  };
  const gateway = (name: 'A' | 'B', inside: string): { gw: Gateway; ifs: Interface[] } => {
    const me = ends[name];
    const peer = name === 'A' ? ends.B : ends.A;
    const { sad, spd } = siteToSite({
      local: me,
      peer,
      transform,
      outbound: { spi: name === 'A' ? 0xa0b : 0xb0a, key: name === 'A' ? kab : kba },
      inbound: { spi: name === 'A' ? 0xb0a : 0xa0b, key: name === 'A' ? kba : kab },
    });
    const ifs = [new Interface(`gw${name}-inside`), new Interface(`gw${name}-outside`)];
    const [site, len] = me.site.split('/') as [string, string];
    const gw = new Gateway(
      {
        name: `gateway-${name}`,
        addresses: [inside, me.outside],
        interfaces: ifs,
        routes: [
          { prefix: { address: parseIpv6(site), prefix: Number(len) }, interface: 0 },
          { prefix: { address: parseIpv6('::'), prefix: 0 }, interface: 1 },
        ],
        sad,
        spd,
      },
      net.scheduler,
    );
    return { gw, ifs };
  };
  const A = gateway('A', '2001:db8:a::1');
  const B = gateway('B', '2001:db8:b::1');
  const hostA = net.host('hostA', '2001:db8:a::10');
  const hostB = net.host('hostB', '2001:db8:b::10');
  net.link(hostA.link as Interface, A.ifs[0]!, { delay: 1 });
  net.link(hostB.link as Interface, B.ifs[0]!, { delay: 1 });
  const wan = net.link(A.ifs[1]!, B.ifs[1]!, { delay: 15 });
  const pcap = new PcapWriter();
  wan.capture(pcap);
  const log: string[] = [];
  const t = (): string => `[${String(net.scheduler.now()).padStart(4)} ms]`;
  const adv = new Adversary();
  wan.setAdversary(adv);
  adv.observed$.subscribe((p) =>
    log.push(
      `${t()} WAN ${p.direction === 'a->b' ? 'gwA → gwB' : 'gwB → gwA'}: ${describePacket(p.data)}`,
    ),
  );
  for (const g of [A.gw, B.gw])
    g.graph.alerts$.subscribe((a: Alert) =>
      log.push(`${t()} ALERT ${a.graph}/${a.conduit}: ${a.reason}`),
    );
  const server = hostB.bind(80);
  server.datagrams$.subscribe((d) => {
    log.push(`${t()} hostB:80 got "${new TextDecoder().decode(d.data)}" from hostA`);
    server.send(d.from, d.fromPort, new TextEncoder().encode('hello, site A'));
  });
  const client = hostA.bind(4000);
  client.datagrams$.subscribe((d) =>
    log.push(`${t()} hostA:4000 got "${new TextDecoder().decode(d.data)}"`),
  );
  client.send(hostB.address, 80, new TextEncoder().encode('hello, site B'));
  net.scheduler.at(100, () => {
    log.push(`${t()} attacker replays the first tunnel packet`);
    adv.replay(0);
  });
  net.scheduler.at(150, () => {
    log.push(`${t()} attacker injects an unprotected packet claiming to come from site B`);
    const pool = new MessagePool();
    const m = pool.from(new TextEncoder().encode('spoofed'));
    writeUdp(m.buffer, 80, 4000, hostB.address, hostA.address);
    writeIpv6Header(m.buffer, NextHeader.UDP, 64, hostB.address, hostA.address);
    adv.inject('b->a', m.buffer.copy());
    m.release();
  });
  const espSa =
    [
      formatEspSa({
        source: ends.A.outside,
        destination: ends.B.outside,
        spi: 0xa0b,
        transform,
        encryptionKey: kab,
      }),
      formatEspSa({
        source: ends.B.outside,
        destination: ends.A.outside,
        spi: 0xb0a,
        transform,
        encryptionKey: kba,
      }),
    ].join('\n') + '\n';
  return { net, hostA, hostB, gateways: [A.gw, B.gw], wan, pcap, espSa, log };
}
