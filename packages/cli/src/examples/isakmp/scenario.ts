/**
 * Figure 9 for `conduits graph isakmp`: two simulated hosts whose IPsec is keyed by IKEv1
 * (Main Mode with a pre-shared key, Quick Mode), started by the first datagram (ACQUIRE).
 */
import { Network } from '@conduits/netsim';
import { ikePeerHost, type IkeConfig, type IkePeerHost } from '@conduits/protocols-isakmp';

export function buildIsakmpScenario(): { net: Network; a: IkePeerHost; b: IkePeerHost } {
  const config = (me: string, peer: string, start: 'trap' | 'none'): IkeConfig => ({
    address: me,
    peers: [
      {
        name: 'peer',
        address: peer,
        psk: 'demo only',
        ike: ['aes128-sha256-ecp256'],
        children: [
          {
            name: 'udp',
            mode: 'transport',
            local: `${me}/128`,
            remote: `${peer}/128`,
            protocol: 17,
            esp: ['aes128gcm16'],
            start,
          },
        ],
      },
    ],
  });
  const net = new Network(1);
  const a = ikePeerHost({
    config: config('2001:db8::1', '2001:db8::2', 'trap'),
    scheduler: net.scheduler,
    host: (security) => net.host('a', '2001:db8::1', { security }),
  });
  const b = ikePeerHost({
    config: config('2001:db8::2', '2001:db8::1', 'none'),
    scheduler: net.scheduler,
    host: (security) => net.host('b', '2001:db8::2', { security }),
  });
  net.connect(a.host, b.host);
  a.host.bind(9).send(b.host.address, 7, new Uint8Array([1]));
  return { net, a, b };
}
