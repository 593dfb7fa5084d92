/**
 * The issue-4 demo: two hosts talk UDP through ESP in transport mode (AES-128-GCM, ICV 16),
 * keyed by hand from an esp_sa text; an attacker on the link replays one packet and flips a
 * bit in another, and the trace shows each drop and its reason.
 */
import { SeededRandom, type Alert } from '@conduits/core';
import { NextHeader, parseIpv6, type Host } from '@conduits/protocols-inet';
import { describePacket } from '@conduits/protocols-inet/codec';
import { Adversary, Network, PcapWriter, type Link } from '@conduits/netsim';
import {
  formatEspSa,
  ipsecLayer,
  parseEspSa,
  saConfigsFor,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type TransformSpec,
} from '@conduits/protocols-ipsec';

export interface IpsecScenario {
  readonly net: Network;
  readonly alice: Host;
  readonly bob: Host;
  readonly link: Link;
  readonly pcap: PcapWriter;
  /** The SAs, as the esp_sa file tshark reads. */
  readonly espSa: string;
  readonly log: string[];
  readonly alerts: Alert[];
}

const ALICE = '2001:db8:e::1';
const BOB = '2001:db8:e::2';

export function buildIpsecScenario(seed = 3): IpsecScenario {
  const rnd = new SeededRandom(seed);
  const transform: TransformSpec = {
    encryption: 'aes-gcm',
    encryptionKeyLength: 16,
    integrity: 'none',
    icvLength: 16,
  };
  // Manual keying: the same text keys both hosts (and tshark).
  const espSa =
    [
      formatEspSa({
        source: ALICE,
        destination: BOB,
        spi: 0xa11ce,
        transform,
        encryptionKey: rnd.bytes(20),
      }),
      formatEspSa({
        source: BOB,
        destination: ALICE,
        spi: 0xb0b,
        transform,
        encryptionKey: rnd.bytes(20),
      }),
    ].join('\n') + '\n';
  const entries = parseEspSa(espSa);

  const net = new Network(seed);
  const hostWithIpsec = (name: string, me: string, peer: string, outSpi: number): Host => {
    const sad = new SecurityAssociationDatabase();
    for (const c of saConfigsFor(me, entries)) sad.create(c);
    const spd = new SecurityPolicyDatabase();
    const remote = { address: parseIpv6(peer), prefix: 128 };
    spd.addOutbound({
      selector: { remote, nextHeader: NextHeader.UDP },
      action: 'protect',
      sa: spi(outSpi),
    });
    spd.addInbound({ selector: { remote, nextHeader: NextHeader.UDP }, accept: [['esp']] });
    return net.host(name, me, {
      security: ipsecLayer({ sad, spd, address: parseIpv6(me) }).conduit,
    });
  };
  const alice = hostWithIpsec('alice', ALICE, BOB, 0xa11ce);
  const bob = hostWithIpsec('bob', BOB, ALICE, 0xb0b);
  const link = net.connect(alice, bob, { delay: 4 });
  const pcap = new PcapWriter();
  link.capture(pcap);
  const log: string[] = [];
  const t = (): string => `[${String(net.scheduler.now()).padStart(4)} ms]`;

  const adv = new Adversary();
  link.setAdversary(adv);
  adv.observed$.subscribe((p) =>
    log.push(
      `${t()} wire ${p.direction === 'a->b' ? 'alice → bob' : 'bob → alice'}: ${describePacket(p.data)}`,
    ),
  );
  adv.modify(
    (p) => p.index === 4,
    (bytes) => {
      log.push(`${t()} attacker flips a bit in the ciphertext of packet ${4}`);
      bytes[bytes.length - 20]! ^= 0x01;
      return bytes;
    },
  );
  net.scheduler.at(100, () => {
    log.push(`${t()} attacker replays alice's first packet`);
    adv.replay(0);
  });

  const alerts: Alert[] = [];
  for (const h of [alice, bob])
    h.graph.alerts$.subscribe(
      (a) => (alerts.push(a), log.push(`${t()} ALERT ${a.graph}/${a.conduit}: ${a.reason}`)),
    );
  const server = bob.bind(5001);
  server.datagrams$.subscribe((d) => {
    log.push(
      `${t()} bob:5001 got "${new TextDecoder().decode(d.data)}" (decrypted, ICV good, policy: ESP required)`,
    );
    server.send(
      d.from,
      d.fromPort,
      new TextEncoder().encode(`ack ${new TextDecoder().decode(d.data)}`),
    );
  });
  const client = alice.bind(5002);
  client.datagrams$.subscribe((d) =>
    log.push(`${t()} alice:5002 got "${new TextDecoder().decode(d.data)}"`),
  );
  ['secret one', 'secret two', 'secret three'].forEach((m, i) =>
    net.scheduler.at(i * 30, () => client.send(bob.address, 5001, new TextEncoder().encode(m))),
  );
  return { net, alice, bob, link, pcap, espSa, log, alerts };
}
