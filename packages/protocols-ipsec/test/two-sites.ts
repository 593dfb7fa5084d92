/** Two sites joined by a tunnel between security gateways (Java Conduits Figure 8). */
import { SeededRandom } from '@conduits/core';
import { Interface, Network, type Link } from '@conduits/netsim';
import { parseIpv6, type Host } from '@conduits/protocols-inet';
import {
  formatEspSa,
  Gateway,
  saltLength,
  siteToSite,
  type TransformSpec,
} from '@conduits/protocols-ipsec';
import { integrityMac } from '@conduits/protocols-ipsec/internal';

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

export interface TwoSitesOptions {
  /** An ESP transform other than AES-GCM (CBC/CTR with an HMAC get an integrity key too). */
  readonly transform?: TransformSpec;
  /** ESP in UDP between the gateways (RFC 3948). */
  readonly udpEncapsulation?: boolean;
}

export function twoSites(
  seed = 8,
  protocol: 'esp' | 'ah' = 'esp',
  options: TwoSitesOptions = {},
): TwoSites {
  const rnd = new SeededRandom(seed);
  const net = new Network(seed);
  const transform: TransformSpec =
    options.transform ??
    (protocol === 'ah'
      ? { encryption: 'null', encryptionKeyLength: 0, integrity: 'hmac-sha256-128' }
      : { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 });
  const keyLength = options.transform
    ? transform.encryptionKeyLength + saltLength(transform.encryption)
    : protocol === 'ah'
      ? 32
      : 20;
  const keyAB = rnd.bytes(keyLength);
  const keyBA = rnd.bytes(keyLength);
  const hmac =
    transform.integrity === 'none' || protocol === 'ah'
      ? 0
      : integrityMac[transform.integrity].keyLength;
  const intAB = hmac ? rnd.bytes(hmac) : undefined;
  const intBA = hmac ? rnd.bytes(hmac) : undefined;
  const udpEncapsulation = options.udpEncapsulation
    ? { sourcePort: 4500, destinationPort: 4500 }
    : undefined;
  const mk = (
    name: 'A' | 'B',
    inside: string,
    outside: string,
    peerOutside: string,
    lan: string,
    peerLan: string,
    outSpi: number,
    outKey: Uint8Array,
    inSpi: number,
    inKey: Uint8Array,
  ) => {
    const [outInt, inInt] = name === 'A' ? [intAB, intBA] : [intBA, intAB];
    const { sad, spd } = siteToSite({
      local: { outside, site: `${lan}/48` },
      peer: { outside: peerOutside, site: `${peerLan}/48` },
      transform,
      protocol,
      outbound: { spi: outSpi, key: outKey, integrityKey: outInt },
      inbound: { spi: inSpi, key: inKey, integrityKey: inInt },
      udpEncapsulation,
    });
    const ifs = [new Interface(`gw${name}-inside`), new Interface(`gw${name}-outside`)];
    const gw = new Gateway(
      {
        name: `gateway-${name}`,
        addresses: [inside, outside],
        interfaces: ifs,
        routes: [
          { prefix: prefix(lan, 48), interface: 0 },
          { prefix: prefix('::', 0), interface: 1 },
        ],
        sad,
        spd,
      },
      net.scheduler,
    );
    return { gw, ifs };
  };
  const A = mk(
    'A',
    '2001:db8:a::1',
    '2001:db8:ff::a',
    '2001:db8:ff::b',
    '2001:db8:a::',
    '2001:db8:b::',
    0xa0b,
    keyAB,
    0xb0a,
    keyBA,
  );
  const B = mk(
    'B',
    '2001:db8:b::1',
    '2001:db8:ff::b',
    '2001:db8:ff::a',
    '2001:db8:b::',
    '2001:db8:a::',
    0xb0a,
    keyBA,
    0xa0b,
    keyAB,
  );
  const hostA = net.host('hostA', '2001:db8:a::10');
  const hostB = net.host('hostB', '2001:db8:b::10');
  const lanA = net.link(hostA.link as Interface, A.ifs[0]!, { delay: 1 });
  net.link(hostB.link as Interface, B.ifs[0]!, { delay: 1 });
  const wan = net.link(A.ifs[1]!, B.ifs[1]!, { delay: 10 });
  const espSa = [
    formatEspSa({
      source: '2001:db8:ff::a',
      destination: '2001:db8:ff::b',
      spi: 0xa0b,
      transform,
      encryptionKey: keyAB,
      ...(intAB ? { integrityKey: intAB } : {}),
    }),
    formatEspSa({
      source: '2001:db8:ff::b',
      destination: '2001:db8:ff::a',
      spi: 0xb0a,
      transform,
      encryptionKey: keyBA,
      ...(intBA ? { integrityKey: intBA } : {}),
    }),
  ].join('\n');
  return { net, hostA, hostB, gwA: A.gw, gwB: B.gw, wan, lanA, espSa };
}
