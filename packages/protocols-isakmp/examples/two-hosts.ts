/** The README's example, run by test/readme.test.ts; two simulated hosts bring up ESP with IKEv1, started by ACQUIRE. */
import { Network } from '@conduits/netsim';
import { ikePeerHost, type IkeConfig } from '@conduits/protocols-isakmp';

export function twoHosts(): { received: string[]; status: unknown } {
  const config = (me: string, peer: string, start: 'trap' | 'none'): IkeConfig => ({
    address: me,
    peers: [
      {
        name: 'peer',
        address: peer,
        psk: 'correct horse battery staple',
        ike: ['aes128-sha256-modp2048', 'aes256-sha1-ecp256'],
        children: [
          {
            name: 'udp',
            mode: 'transport',
            local: `${me}/128`,
            remote: `${peer}/128`,
            protocol: 17,
            esp: ['aes128gcm16', 'aes128-sha256'],
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

  const received: string[] = [];
  b.host.bind(7).datagrams$.subscribe((d) => received.push(new TextDecoder().decode(d.data)));
  const ep = a.host.bind(9);
  ep.send(b.host.address, 7, new TextEncoder().encode('hello')); // no SA: ACQUIRE starts IKE (this one is not queued)
  net.run(1_000);
  ep.send(b.host.address, 7, new TextEncoder().encode('through ESP'));
  net.run(2_000);
  return { received, status: a.manager.status() };
}
