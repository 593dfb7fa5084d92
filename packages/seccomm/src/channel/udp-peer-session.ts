/**
 * A connected UDP socket as a session (below a SecComm composite on a host's ports Mux):
 * going down it addresses each message to the peer; coming up it passes only datagrams from
 * the peer's address and port, dropping others (counted 'not-from-peer').
 */
import { Session, type Message } from '@conduits/core';
import {
  addressEquals,
  dstPort,
  ipOffset,
  nextHeader,
  remoteAddress,
  srcPort,
  type Ipv6Address,
} from '@conduits/protocols-inet';
import { SRC } from '@conduits/protocols-inet/codec';

export function udpPeerSession(localPort: number, peer: Ipv6Address, peerPort: number): Session {
  return new Session(`udp-peer:${peerPort}`, {
    initial: {
      name: 'connected',
      accept(s, msg: Message, from) {
        if (from === 'B') {
          msg.set(remoteAddress, peer).set(dstPort, peerPort).set(srcPort, localPort);
          return s.send('A', msg);
        }
        if (
          msg.get(srcPort) !== peerPort ||
          !addressEquals(msg.buffer.bytes, (msg.get(ipOffset) ?? 0) + SRC, peer)
        )
          return s.drop(msg, 'not-from-peer', true);
        s.send('B', msg);
      },
    },
  });
}

/** The same directly on IPv6: addresses each message to the peer under `protocol`; passes only the peer's packets up. */
export function ipPeerSession(protocol: number, peer: Ipv6Address): Session {
  return new Session(`ip-peer:${protocol}`, {
    initial: {
      name: 'connected',
      accept(s, msg: Message, from) {
        if (from === 'B') {
          msg.set(remoteAddress, peer).set(nextHeader, protocol);
          return s.send('A', msg);
        }
        if (!addressEquals(msg.buffer.bytes, (msg.get(ipOffset) ?? 0) + SRC, peer))
          return s.drop(msg, 'not-from-peer', true);
        s.send('B', msg);
      },
    },
  });
}
