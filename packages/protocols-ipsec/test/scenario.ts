/** Two simulated hosts with IPsec layers and manually keyed SAs in each direction. */
import { SeededRandom } from '@conduits/core';
import { NextHeader, parseIpv6, type Host } from '@conduits/protocols-inet';
import { Network, type Link } from '@conduits/netsim';
import {
  ipsecLayer,
  saltLength,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type IpsecLayer,
  type SaConfig,
  type TransformSpec,
} from '@conduits/protocols-ipsec';
import { integrityMac } from '@conduits/protocols-ipsec/internal';

export interface KeyedSa {
  readonly spi: number;
  readonly src: string;
  readonly dst: string;
  readonly encryptionKey: Uint8Array;
  readonly integrityKey: Uint8Array | undefined;
}

export interface IpsecPair {
  readonly net: Network;
  readonly a: Host;
  readonly b: Host;
  readonly link: Link;
  readonly layers: { readonly a: IpsecLayer; readonly b: IpsecLayer };
  readonly sads: {
    readonly a: SecurityAssociationDatabase;
    readonly b: SecurityAssociationDatabase;
  };
  readonly spds: { readonly a: SecurityPolicyDatabase; readonly b: SecurityPolicyDatabase };
  /** The SAs, for tshark's esp_sa table. */
  readonly keyed: readonly KeyedSa[];
}

export function ipsecPair(
  transform: TransformSpec,
  seed = 1,
  extra: Partial<SaConfig> = {},
): IpsecPair {
  const rnd = new SeededRandom(seed);
  const net = new Network(seed);
  const addrA = '2001:db8:1::1';
  const addrB = '2001:db8:1::2';
  const sads = { a: new SecurityAssociationDatabase(), b: new SecurityAssociationDatabase() };
  const spds = { a: new SecurityPolicyDatabase(), b: new SecurityPolicyDatabase() };
  const keyed: KeyedSa[] = [];
  for (const [spiValue, src, dst, outSad, inSad] of [
    [0x1001, addrA, addrB, sads.a, sads.b],
    [0x2001, addrB, addrA, sads.b, sads.a],
  ] as const) {
    const encryptionKey =
      transform.encryption === 'null'
        ? new Uint8Array(0)
        : rnd.bytes(transform.encryptionKeyLength + saltLength(transform.encryption));
    const integrityKey =
      transform.integrity === 'none'
        ? undefined
        : rnd.bytes(integrityMac[transform.integrity].keyLength);
    const cfg: SaConfig = {
      spi: spiValue,
      direction: 'outbound',
      mode: 'transport',
      source: parseIpv6(src),
      destination: parseIpv6(dst),
      transform,
      encryptionKey,
      ...(integrityKey ? { integrityKey } : {}),
      ...extra,
    };
    outSad.create(cfg);
    inSad.create({ ...cfg, direction: 'inbound' });
    keyed.push({ spi: spiValue, src, dst, encryptionKey, integrityKey });
  }
  for (const [spd, peer, outSpi] of [
    [spds.a, addrB, 0x1001],
    [spds.b, addrA, 0x2001],
  ] as const) {
    const remote = { address: parseIpv6(peer), prefix: 128 };
    spd.addOutbound({
      selector: { remote, nextHeader: NextHeader.UDP },
      action: 'protect',
      sa: spi(outSpi),
    });
    spd.addOutbound({ selector: { nextHeader: NextHeader.ICMPV6 }, action: 'bypass' });
    spd.addInbound({ selector: { remote, nextHeader: NextHeader.UDP }, accept: [['esp']] });
    spd.addInbound({ selector: { nextHeader: NextHeader.ICMPV6 }, accept: [[]] });
  }
  const layers = {
    a: ipsecLayer({ sad: sads.a, spd: spds.a, address: parseIpv6(addrA) }),
    b: ipsecLayer({ sad: sads.b, spd: spds.b, address: parseIpv6(addrB) }),
  };
  const a = net.host('a', addrA, { security: layers.a.conduit });
  const b = net.host('b', addrB, { security: layers.b.conduit });
  const link = net.connect(a, b, { delay: 2 });
  return { net, a, b, link, layers, sads, spds, keyed };
}

/** tshark `-o uat:esp_sa:...` options for the pair's SAs. */
export function tsharkEspOptions(
  pair: IpsecPair,
  names: { encryption: string; integrity: string },
): string[] {
  const hex = (b: Uint8Array | undefined): string =>
    b === undefined || b.length === 0 ? '' : `0x${Buffer.from(b).toString('hex')}`;
  return [
    'esp.enable_encryption_decode:TRUE',
    'esp.enable_authentication_check:TRUE',
    ...pair.keyed.map(
      (k) =>
        `uat:esp_sa:"IPv6","${k.src}","${k.dst}","0x${k.spi.toString(16).padStart(8, '0')}","${names.encryption}","${hex(k.encryptionKey)}","${names.integrity}","${hex(k.integrityKey)}"`,
    ),
  ];
}
