/**
 * The issue-3 demo: two simulated IPv6 hosts exchange UDP over a lossy, reordering,
 * duplicating link with a 1280-byte MTU; a 4000-byte datagram is fragmented and reassembled.
 */
import { formatIpv6, type Host } from '@conduits/protocols-inet';
import { describePacket } from '@conduits/protocols-inet/codec';
import { Network, PcapWriter, type Link } from '@conduits/netsim';

export interface UdpScenario {
  readonly net: Network;
  readonly alice: Host;
  readonly bob: Host;
  readonly link: Link;
  readonly pcap: PcapWriter;
  readonly log: string[];
}

export function buildUdpScenario(seed = 7): UdpScenario {
  const net = new Network(seed);
  const alice = net.host('alice', '2001:db8:a::1');
  const bob = net.host('bob', '2001:db8:b::1');
  const link = net.connect(alice, bob, {
    delay: 5,
    jitter: 2,
    loss: 0.08,
    reorder: 0.25,
    reorderDelay: 8,
    duplicate: 0.05,
    mtu: 1280,
  });
  const pcap = new PcapWriter();
  link.capture(pcap);
  const log: string[] = [];
  const t = (): string => `[${net.scheduler.now().toFixed(2).padStart(7)} ms]`;
  link.onEvent = (e) => {
    if (e.kind === 'delivered') return;
    const arrow = e.direction === 'a->b' ? 'alice → bob' : 'bob → alice';
    log.push(`${t()} link ${e.kind.padEnd(10)} ${arrow}: ${describePacket(e.data)}`);
  };
  const echo = bob.bind(7);
  echo.datagrams$.subscribe((d) => {
    log.push(
      `${t()} bob:7 got ${d.data.length} bytes from [${formatIpv6(d.from)}]:${d.fromPort}, echoing`,
    );
    echo.send(d.from, d.fromPort, d.data);
  });
  const app = alice.bind(40000);
  app.datagrams$.subscribe((d) =>
    log.push(`${t()} alice:40000 got the echo of ${d.data.length} bytes`),
  );
  for (let i = 0; i < 6; i++)
    net.scheduler.at(i * 20, () =>
      app.send(bob.address, 7, new TextEncoder().encode(`datagram ${i}`)),
    );
  net.scheduler.at(150, () =>
    app.send(
      bob.address,
      7,
      Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff),
    ),
  );
  return { net, alice, bob, link, pcap, log };
}
