/**
 * Runs inside a network namespace in the strongSwan interop test: one of our IKEv1 peers on a
 * real UDP socket (port 500), its ISAKMP graph on a real-time scheduler. Prints each policy
 * manager event as a JSON line, then `{"status": …}` once a child is up (or at the deadline).
 * Arguments: a JSON object (see PeerArgs).
 */
import { createSocket } from 'node:dgram';
import { RealClock, Scheduler } from '@conduits/core';
import { engines } from '@conduits/crypto';
import { MessagePool } from '@conduits/core';
import { formatIpv6, NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { writeIpv6Header } from '@conduits/protocols-inet/codec';
import { writeUdp } from '@conduits/protocols-inet/codec';
import { checkIpv6Header } from '@conduits/protocols-inet/codec';
import { SecurityAssociationDatabase, SecurityPolicyDatabase } from '@conduits/protocols-ipsec';
import { IsakmpNode, PolicyManager, type IkeTransport } from '../../src/index.js';

interface PeerArgs {
  role: 'initiator' | 'responder';
  local: string;
  peer: string;
  psk: string;
  ike: string[];
  esp: string[];
  localTs: string;
  remoteTs: string;
  deadline: number;
  keyLog?: boolean;
  natT?: boolean;
  aggressive?: boolean;
  /** After the child is up: send this text in a UDP datagram from 2001:db8:c::1 to [2001:db8:d::1]:7777 through the outbound SA (ESP in UDP), and print what comes back through the inbound SA. */
  echo?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs;
const scheduler = new Scheduler(new RealClock());
const socket = createSocket({ type: 'udp6' });
/** Port 4500 (RFC 3948): IKE behind the 4-byte non-ESP marker, ESP without one. */
const natSocket = createSocket({ type: 'udp6' });
const transport: IkeTransport = {
  send: (to, port, data) => {
    if (port === 4500) natSocket.send(Buffer.concat([Buffer.alloc(4), data]), 4500, formatIpv6(to));
    else socket.send(data, port, formatIpv6(to));
  },
  listen: (deliver) => {
    socket.on('message', (data, rinfo) => {
      // charon as initiator with `encap = yes` sees no NAT itself, stays on port 500 and sends its
      // UDP-encapsulated ESP there too: a datagram opening with one of our inbound SPIs is ESP.
      if (data.length > 8 && sad.inbound(data.readUInt32BE(0)) !== undefined)
        return openEsp(new Uint8Array(data));
      deliver(parseIpv6(rinfo.address), rinfo.port, new Uint8Array(data));
    });
    natSocket.on('message', (data, rinfo) => {
      if (data.length >= 4 && data.readUInt32BE(0) === 0)
        deliver(parseIpv6(rinfo.address), rinfo.port, new Uint8Array(data.subarray(4)));
      else if (data.length > 1) openEsp(new Uint8Array(data));
    });
  },
};
const sad = new SecurityAssociationDatabase({ scheduler });
const manager = new PolicyManager(
  {
    address: args.local,
    peers: [
      {
        name: 'charon',
        address: args.peer,
        psk: args.psk,
        ike: args.ike,
        ...(args.aggressive ? { mode: 'aggressive' as const } : {}),
        children: [
          {
            name: 'net',
            mode: 'tunnel',
            local: args.localTs,
            remote: args.remoteTs,
            esp: args.esp,
            start: 'none',
          },
        ],
      },
    ],
    retransmit: { timeout: 1000, tries: 4 },
    natTraversal: args.natT ?? false,
  },
  { sad, spd: new SecurityPolicyDatabase() },
);
const out = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
let node: IsakmpNode;
const finish = () => {
  out({
    status: manager.status(),
    sas: sad.all().map((s) => ({ spi: s.spi.toString(16), direction: s.direction, mode: s.mode })),
  });
  scheduler.stop();
  socket.close();
  natSocket.close();
  setTimeout(() => process.exit(0), 50);
};
const pool = new MessagePool();
/** ESP arriving on 4500 for one of our inbound SAs: open it and print the inner datagram. */
function openEsp(data: Uint8Array): void {
  const spi = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
  const sa = sad.inbound(spi);
  if (!sa) return out({ espUnknownSpi: spi.toString(16) });
  const m = pool.from(data);
  const nh = sa.decapsulate(m.buffer);
  const b = m.buffer;
  if (nh === NextHeader.IPV6 && checkIpv6Header(b) === null)
    out({
      espIn: {
        spi: spi.toString(16).padStart(8, '0'),
        innerSrc: formatIpv6(b.bytes, b.start + 8),
        text: new TextDecoder().decode(b.bytes.subarray(b.start + 48, b.end)),
      },
    });
  else out({ espIn: { spi: spi.toString(16).padStart(8, '0'), error: String(nh) } });
  setTimeout(finish, 100);
}
manager.events$.subscribe((e) => {
  out(e);
  if (e.kind !== 'child-up') return;
  if (args.echo === undefined) {
    setTimeout(finish, 300);
    return;
  }
  // The peer installs its SAs when it has our last Quick Mode message: give it a moment.
  setTimeout(() => sendEcho(e.outbound), 500);
});

function sendEcho(outbound: number): void {
  const sa = sad.outbound(outbound)!;
  const m = pool.from(new TextEncoder().encode(args.echo));
  const src = parseIpv6('2001:db8:c::1');
  const dst = parseIpv6('2001:db8:d::1');
  writeUdp(m.buffer, 40000, 7777, src, dst);
  writeIpv6Header(m.buffer, NextHeader.UDP, 64, src, dst);
  const r = sa.encapsulate(m.buffer, NextHeader.IPV6);
  if (r !== null) return out({ espOutError: r });
  natSocket.send(m.buffer.copy(), 4500, args.peer, () =>
    out({ espOut: { spi: outbound.toString(16) } }),
  );
}
natSocket.bind(4500, args.local);
socket.bind(500, args.local, () => {
  node = new IsakmpNode({
    manager,
    transport,
    scheduler,
    engine: engines.node,
    ...(args.keyLog ? { ikev1KeyLog: (l: string) => out({ key: l }) } : {}),
  });
  scheduler.start();
  if (args.role === 'initiator') manager.initiate('charon');
  out({ ready: true });
});
setTimeout(finish, args.deadline);
void node!;
