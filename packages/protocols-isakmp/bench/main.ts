/**
 * ISAKMP benchmarks: Main Mode (PSK) + Quick Mode handshakes per second between two of our
 * peers in one process, each on its simulated host (the whole Figure 9 graph, the IPsec
 * layer, IPv6 on a netsim link in virtual time), for MODP-2048 and ECP-256 on both engines.
 * One handshake here is: Main Mode (6 messages), Quick Mode (3), the SAs installed in both
 * SADs, then `terminate` (two authenticated Deletes) so the next one starts from nothing.
 */
import { emit, opsPerSecond } from '@conduits/core/bench';
import { engines, type CryptoEngine } from '@conduits/crypto';
import { Network } from '@conduits/netsim';
import { ikePeerHost, type IkeConfig } from '../src/index.js';

const A = '2001:db8::1';
const B = '2001:db8::2';

function config(me: string, peer: string, name: string, ike: string): IkeConfig {
  return {
    address: me,
    peers: [
      {
        name,
        address: peer,
        psk: 'bench',
        ike: [ike],
        children: [
          {
            name: 'udp',
            mode: 'tunnel',
            local: `${me}/128`,
            remote: `${peer}/128`,
            esp: ['aes128gcm16'],
            start: 'none',
          },
        ],
      },
    ],
  };
}

function handshakes(engine: CryptoEngine, ike: string): (n: number) => void {
  const net = new Network(7);
  const a = ikePeerHost({
    config: config(A, B, 'b', ike),
    scheduler: net.scheduler,
    host: (security) => net.host('a', A, { security }),
    engine,
  });
  const b = ikePeerHost({
    config: config(B, A, 'a', ike),
    scheduler: net.scheduler,
    host: (security) => net.host('b', B, { security }),
    engine,
  });
  net.connect(a.host, b.host);
  let up = 0;
  a.manager.events$.subscribe((e) => e.kind === 'child-up' && up++);
  return (n) => {
    for (let i = 0; i < n; i++) {
      const before = up;
      a.manager.initiate('b');
      net.run(net.scheduler.now() + 1000);
      if (up !== before + 1) throw new Error(`handshake ${i} did not complete`);
      a.manager.terminate('b');
      net.run(net.scheduler.now() + 1000);
    }
  };
}

for (const [engineName, engine] of Object.entries(engines)) {
  for (const ike of ['aes128-sha256-modp2048', 'aes128-sha256-ecp256']) {
    const n = engineName === 'noble' && ike.endsWith('modp2048') ? 3 : 20;
    const value = opsPerSecond(handshakes(engine, ike), n, 3);
    emit({
      bench: `isakmp-mm-qm-psk-${ike.split('-')[2]}-${engineName}`,
      unit: 'handshake/s',
      value,
      note: 'Main Mode + Quick Mode (ESP aes128gcm16, tunnel) between two simulated hosts in one process, then terminate',
    });
  }
}
