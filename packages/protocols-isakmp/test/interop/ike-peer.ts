/**
 * Runs inside a network namespace in the strongSwan interop test: one of our IKEv1 peers on a
 * real UDP socket (port 500), its ISAKMP graph on a real-time scheduler. Prints each policy
 * manager event as a JSON line, then `{"status": …}` once a child is up (or at the deadline).
 * Arguments: a JSON object (see PeerArgs).
 */
import { createSocket } from 'node:dgram';
import { RealClock, Scheduler } from '@conduits/core';
import { engines } from '@conduits/crypto';
import { formatIpv6, parseIpv6 } from '@conduits/protocols-inet';
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
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs;
const scheduler = new Scheduler(new RealClock());
const socket = createSocket({ type: 'udp6' });
const transport: IkeTransport = {
  send: (to, port, data) => socket.send(data, port, formatIpv6(to)),
  listen: (deliver) => socket.on('message', (data, rinfo) => deliver(parseIpv6(rinfo.address), rinfo.port, new Uint8Array(data))),
};
const sad = new SecurityAssociationDatabase({ scheduler });
const manager = new PolicyManager(
  {
    address: args.local,
    peers: [{ name: 'charon', address: args.peer, psk: args.psk, ike: args.ike, children: [{ name: 'net', mode: 'tunnel', local: args.localTs, remote: args.remoteTs, esp: args.esp, start: 'none' }] }],
    retransmit: { timeout: 1000, tries: 4 },
  },
  { sad, spd: new SecurityPolicyDatabase() },
);
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
let node: IsakmpNode;
const finish = () => {
  out({ status: manager.status(), sas: sad.all().map((s) => ({ spi: s.spi.toString(16), direction: s.direction, mode: s.mode })) });
  scheduler.stop();
  socket.close();
  setTimeout(() => process.exit(0), 50);
};
manager.events$.subscribe((e) => {
  out(e);
  if (e.kind === 'child-up') setTimeout(finish, 300);
});
socket.bind(500, args.local, () => {
  node = new IsakmpNode({ manager, transport, scheduler, engine: engines.node, ...(args.keyLog ? { ikev1KeyLog: (l: string) => out({ key: l }) } : {}) });
  scheduler.start();
  if (args.role === 'initiator') manager.initiate('charon');
  out({ ready: true });
});
setTimeout(finish, args.deadline);
void node!;
