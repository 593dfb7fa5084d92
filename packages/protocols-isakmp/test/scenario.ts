/** Two of our IKEv1 peers on the simulator: hosts with IPsec layers keyed by the policy manager. */
import { engines, type CryptoEngine } from '@conduits/crypto';
import { Adversary, Network, type Link } from '@conduits/netsim';
import {
  ikePeerHost,
  type ChildConfig,
  type IkeConfig,
  type PeerConfig,
  type IkeEvent,
  type IkePeerHost,
} from '@conduits/protocols-isakmp';

export const A = '2001:db8::1';
export const B = '2001:db8::2';

export interface PairOptions {
  readonly ike?: readonly string[];
  readonly ikeB?: readonly string[];
  readonly esp?: readonly string[];
  readonly espB?: readonly string[];
  readonly mode?: 'tunnel' | 'transport';
  readonly pskA?: string;
  readonly pskB?: string;
  readonly childB?: Partial<ChildConfig>;
  readonly start?: 'trap' | 'start' | 'none';
  readonly engine?: CryptoEngine;
  readonly seed?: number;
  readonly halfOpenPerPeer?: number;
  readonly extraPeersB?: readonly PeerConfig[];
  readonly childA?: Partial<ChildConfig>;
  /** tshark key lines from A's ISAKMP SAs. */
  readonly keyLog?: (line: string) => void;
  /** Both offer NAT traversal (RFC 3947); the simulator has no NAT, so nothing floats. */
  readonly natT?: boolean;
  /** Phase 1 by Aggressive Mode: both sides, or only A (`'a'`). */
  readonly aggressive?: boolean | 'a';
}

export function config(me: string, peer: string, o: PairOptions, side: 'a' | 'b'): IkeConfig {
  const child: ChildConfig = {
    name: 'udp',
    mode: o.mode ?? 'transport',
    local: `${me}/128`,
    remote: `${peer}/128`,
    protocol: 17,
    esp: (side === 'b' ? o.espB : undefined) ?? o.esp ?? ['aes128-sha256'],
    start: side === 'a' ? (o.start ?? 'trap') : 'none',
    ...(side === 'b' ? o.childB : o.childA),
  };
  return {
    address: me,
    peers: [
      {
        name: side === 'a' ? 'b' : 'a',
        address: peer,
        psk: (side === 'a' ? o.pskA : o.pskB) ?? 'correct horse battery staple',
        ike: (side === 'b' ? o.ikeB : undefined) ?? o.ike ?? ['aes128-sha256-modp2048'],
        ...(o.aggressive === true || (o.aggressive === 'a' && side === 'a')
          ? { mode: 'aggressive' as const }
          : {}),
        children: [child],
      },
      ...(side === 'b' ? (o.extraPeersB ?? []) : []),
    ],
    retransmit: { timeout: 500, tries: 4 },
    ...(o.natT ? { natTraversal: true } : {}),
    ...(o.halfOpenPerPeer ? { halfOpenPerPeer: o.halfOpenPerPeer } : {}),
  };
}

export interface Pair {
  readonly net: Network;
  readonly a: IkePeerHost;
  readonly b: IkePeerHost;
  readonly events: { a: IkeEvent[]; b: IkeEvent[] };
  readonly link: Link;
  readonly adversary: Adversary;
}

export function pair(o: PairOptions = {}): Pair {
  // Adversary and capture see every frame on the one link between the two hosts.
  const net = new Network(o.seed ?? 1);
  const engine = o.engine ?? engines.noble;
  const a = ikePeerHost({
    config: config(A, B, o, 'a'),
    scheduler: net.scheduler,
    host: (security) => net.host('a', A, { security }),
    engine,
    ...(o.keyLog ? { ikev1KeyLog: o.keyLog } : {}),
  });
  const b = ikePeerHost({
    config: config(B, A, o, 'b'),
    scheduler: net.scheduler,
    host: (security) => net.host('b', B, { security }),
    engine,
  });
  const link = net.connect(a.host, b.host);
  const adversary = new Adversary();
  link.setAdversary(adversary);
  const events = { a: [] as IkeEvent[], b: [] as IkeEvent[] };
  a.manager.events$.subscribe((e) => events.a.push(e));
  b.manager.events$.subscribe((e) => events.b.push(e));
  return { net, a, b, events, link, adversary };
}
