/**
 * Runs inside the strongSwan interop test's namespace A (ours), standing in for the IKE
 * peer whose charon was stopped, with the ESP keys charon logged: our Host graph (`host`) or
 * our Gateway graph with a simulated host behind it (`gateway`), whose ESP in UDP goes out
 * of a real socket on port 4500 (KernelUdpLink over DgramAdaptor) on a real clock.
 *
 * It prints `{"ready":true}` once its socket is bound, sends `send.count` datagrams from the
 * inner host to the far site (paced), counts the datagrams arriving at the inner host's port
 * `receive.port` until `receive.count` came, or until nothing came for `receive.idleMs` after
 * the far side said on stdin that it is done (`sender-done`), then prints one JSON line of
 * results. Arguments: a JSON object (PeerArgs).
 */
import { MessagePool, RealClock, Scheduler, type Message, type Port } from '@conduits/core';
import { wirePair } from '@conduits/core/testing';
import { Host, parseIpv6 } from '@conduits/protocols-inet';
import {
  Gateway,
  ipsecLayer,
  KernelUdpLink,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  siteToSite,
  spi,
  type TransformSpec,
} from '@conduits/protocols-ipsec';

interface PeerArgs {
  role: 'host' | 'gateway';
  /** Our outside address (the socket's) and charon's. */
  local: string;
  peer: string;
  /** Our site's prefix and address inside it, and the far site's prefix. */
  site: string;
  inner: string;
  peerSite: string;
  spiOut: string;
  keyOut: string;
  spiIn: string;
  keyIn: string;
  /** The last sequence number the outbound SA sent. @default 0 */
  initialSequence?: number;
  send: {
    to: string;
    port: number;
    count: number;
    size: number;
    every?: number;
    bigSize?: number;
    perTick?: number;
  };
  receive: { port: number; count: number; idleMs: number };
  /** Flip a bit in the ICV of the outbound ESP packet with this sequence number (a tampered packet charon must refuse). */
  tamperSeq?: number;
  receiveBufferSize?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const transform: TransformSpec = {
  encryption: 'aes-gcm',
  encryptionKeyLength: 16,
  integrity: 'none',
  icvLength: 16,
};
const encap = { sourcePort: 4500, destinationPort: 4500 };
const scheduler = new Scheduler(new RealClock());
const pool = new MessagePool(2048, 128, 16384);

/** The wire between us and charon, with an adversary that can flip one ICV bit of one ESP packet. */
class Link extends KernelUdpLink {
  override deliver(msg: Message, from: Port): void {
    const b = msg.buffer;
    // IPv6 (40) + UDP (8) + SPI (4): the sequence number of the ESP packet inside.
    if (
      args.tamperSeq !== undefined &&
      b.length > 60 &&
      b.view.getUint32(b.start + 52) === args.tamperSeq
    )
      b.bytes[b.end - 1]! ^= 1;
    super.deliver(msg, from);
  }
}

const range = (cidr: string): { address: ReturnType<typeof parseIpv6>; prefix: number } => ({
  address: parseIpv6(cidr.split('/')[0]!),
  prefix: Number(cidr.split('/')[1]),
});
const graphAddress = parseIpv6(args.role === 'host' ? args.inner : args.local);
const link = new Link('charon-link', {
  port: 4500,
  address: args.local,
  graphAddress,
  pool,
  ...(args.receiveBufferSize ? { receiveBufferSize: args.receiveBufferSize } : {}),
});

let inner: Host;
let sad: SecurityAssociationDatabase;
let graphs: { name: string; drops: () => Record<string, number> }[];
if (args.role === 'host') {
  sad = new SecurityAssociationDatabase();
  sad.create({
    spi: parseInt(args.spiOut, 16),
    direction: 'outbound',
    mode: 'tunnel',
    source: parseIpv6(args.local),
    destination: parseIpv6(args.peer),
    transform,
    encryptionKey: hex(args.keyOut),
    udpEncapsulation: encap,
    initialSequence: args.initialSequence ?? 0,
  });
  sad.create({
    spi: parseInt(args.spiIn, 16),
    direction: 'inbound',
    mode: 'tunnel',
    source: parseIpv6(args.peer),
    destination: parseIpv6(args.local),
    transform,
    encryptionKey: hex(args.keyIn),
    udpEncapsulation: encap,
    replayWindow: 1024,
  });
  const spd = new SecurityPolicyDatabase();
  spd.addOutbound({
    selector: { remote: range(args.peerSite) },
    action: 'protect',
    sa: spi(parseInt(args.spiOut, 16)),
  });
  spd.addInbound({ selector: { remote: range(args.peerSite) }, accept: [['esp']] });
  // The kernel fragments what the socket sends: the graph's own Fragment must not split ESP in UDP.
  inner = new Host(
    {
      name: 'host',
      address: graphAddress,
      link,
      pool,
      fragment: { mtu: 65535 },
      security: ipsecLayer({ sad, spd, address: graphAddress }).conduit,
    },
    scheduler,
  );
  graphs = [{ name: 'host', drops: () => inner.graph.drops.snapshot() }];
} else {
  const s2s = siteToSite({
    local: { outside: args.local, site: args.site },
    peer: { outside: args.peer, site: args.peerSite },
    transform,
    outbound: {
      spi: parseInt(args.spiOut, 16),
      key: hex(args.keyOut),
      initialSequence: args.initialSequence ?? 0,
    },
    inbound: { spi: parseInt(args.spiIn, 16), key: hex(args.keyIn), replayWindow: 1024 },
    udpEncapsulation: encap,
  });
  sad = s2s.sad;
  const [lan, hostSide] = wirePair('gw-inside', 'host-wire');
  const gw = new Gateway(
    {
      name: 'gateway',
      addresses: [parseIpv6(args.site.split('/')[0]! + 'fffe'), graphAddress],
      interfaces: [lan, link],
      routes: [
        { prefix: range(args.site), interface: 0 },
        { prefix: range('::/0'), interface: 1 },
      ],
      sad,
      spd: s2s.spd,
    },
    scheduler,
  );
  inner = new Host({ name: 'inner-host', address: args.inner, link: hostSide, pool }, scheduler);
  graphs = [
    { name: 'gateway', drops: () => gw.graph.drops.snapshot() },
    { name: 'inner-host', drops: () => inner.graph.drops.snapshot() },
  ];
}

const received = { count: 0, bytes: 0, big: 0 };
let lastArrival = Date.now();
const rx = inner.bind(args.receive.port);
rx.onDatagram((m) => {
  received.count++;
  received.bytes += m.buffer.length;
  if (args.send.bigSize !== undefined && m.buffer.length === args.send.bigSize) received.big++;
  lastArrival = Date.now();
});
const tx = inner.bind(40000);

void link.open().then(() => {
  scheduler.start();
  process.stdout.write(JSON.stringify({ ready: true, buffers: link.bufferSizes }) + '\n');
  const to = parseIpv6(args.send.to);
  const small = new Uint8Array(args.send.size);
  const big = new Uint8Array(args.send.bigSize ?? 0);
  let sent = 0;
  // Paced: `perTick` datagrams every millisecond tick of the real clock (charon's userspace ESP takes some thousands a second).
  const tick = (): void => {
    for (let k = 0; k < (args.send.perTick ?? 8) && sent < args.send.count; k++, sent++) {
      const data =
        args.send.every !== undefined && sent % args.send.every === args.send.every - 1
          ? big
          : small;
      if (data === small) new DataView(small.buffer).setUint32(0, sent);
      tx.send(to, args.send.port, data);
    }
    if (sent < args.send.count) scheduler.after(1, tick);
  };
  scheduler.defer(tick);
  let senderDone = 0;
  process.stdin.on('data', (d: Buffer) => {
    if (d.toString().includes('sender-done')) senderDone = Date.now();
  });
  const done = (): void => {
    const idle =
      senderDone > 0 && Date.now() - Math.max(lastArrival, senderDone) >= args.receive.idleMs;
    if (sent < args.send.count || (received.count < args.receive.count && !idle)) {
      setTimeout(done, 50);
      return;
    }
    scheduler.stop();
    const outbound = sad.outbound(parseInt(args.spiOut, 16))!;
    const inbound = sad.inbound(parseInt(args.spiIn, 16))!;
    process.stdout.write(
      JSON.stringify({
        sent,
        received,
        lastSequenceSent: outbound.sequence,
        inboundWindowTop: Number(inbound.replay?.top ?? 0),
        linkReceived: link.receivedCount,
        linkSent: link.sent,
        drops: Object.fromEntries(graphs.map((g) => [g.name, g.drops()])),
      }) + '\n',
    );
    void link.close().then(() => process.exit(0));
  };
  setTimeout(done, 50);
});
