/** Two sites joined by a tunnel between security gateways (Java Conduits Figure 8). */
import { SeededRandom } from '@conduits/core';
import { Interface, Network, type Link } from '@conduits/netsim';
import { parseIpv6, type Host } from '@conduits/protocols-inet';
import { formatEspSa, Gateway, siteToSite, type TransformSpec } from '@conduits/protocols-ipsec';

export interface TwoSites {
  readonly net: Network;
  readonly hostA: Host;
  readonly hostB: Host;
  readonly gwA: Gateway;
  readonly gwB: Gateway;
  readonly wan: Link;
  readonly lanA: Link;
  readonly espSa: string;
}

const prefix = (a: string, p: number) => ({ address: parseIpv6(a), prefix: p });

export function twoSites(seed = 8, protocol: 'esp' | 'ah' = 'esp'): TwoSites {
  const rnd = new SeededRandom(seed);
  const net = new Network(seed);
  const transform: TransformSpec = protocol === 'ah' ? { encryption: 'null', encryptionKeyLength: 0, integrity: 'hmac-sha256-128' } : { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 };
  const keyAB = rnd.bytes(protocol === 'ah' ? 32 : 20);
  const keyBA = rnd.bytes(protocol === 'ah' ? 32 : 20);
  const mk = (name: 'A' | 'B', inside: string, outside: string, peerOutside: string, lan: string, peerLan: string, outSpi: number, outKey: Uint8Array, inSpi: number, inKey: Uint8Array) => {
    const { sad, spd } = siteToSite({ local: { outside, site: `${lan}/48` }, peer: { outside: peerOutside, site: `${peerLan}/48` }, transform, protocol, outbound: { spi: outSpi, key: outKey }, inbound: { spi: inSpi, key: inKey } });
    const ifs = [new Interface(`gw${name}-inside`), new Interface(`gw${name}-outside`)];
    const gw = new Gateway({ name: `gateway-${name}`, addresses: [inside, outside], interfaces: ifs, routes: [{ prefix: prefix(lan, 48), interface: 0 }, { prefix: prefix('::', 0), interface: 1 }], sad, spd }, net.scheduler);
    return { gw, ifs };
  };
  const A = mk('A', '2001:db8:a::1', '2001:db8:ff::a', '2001:db8:ff::b', '2001:db8:a::', '2001:db8:b::', 0xa0b, keyAB, 0xb0a, keyBA);
  const B = mk('B', '2001:db8:b::1', '2001:db8:ff::b', '2001:db8:ff::a', '2001:db8:b::', '2001:db8:a::', 0xb0a, keyBA, 0xa0b, keyAB);
  const hostA = net.host('hostA', '2001:db8:a::10');
  const hostB = net.host('hostB', '2001:db8:b::10');
  const lanA = net.link(hostA.link as Interface, A.ifs[0]!, { delay: 1 });
  net.link(hostB.link as Interface, B.ifs[0]!, { delay: 1 });
  const wan = net.link(A.ifs[1]!, B.ifs[1]!, { delay: 10 });
  const espSa = [
    formatEspSa({ source: '2001:db8:ff::a', destination: '2001:db8:ff::b', spi: 0xa0b, transform, encryptionKey: keyAB }),
    formatEspSa({ source: '2001:db8:ff::b', destination: '2001:db8:ff::a', spi: 0xb0a, transform, encryptionKey: keyBA }),
  ].join('\n');
  return { net, hostA, hostB, gwA: A.gw, gwB: B.gw, wan, lanA, espSa };
}
