/** protocols-inet's README example, kept compiling by `pnpm typecheck` here: it runs on netsim, which protocols-inet cannot depend on (a test checks the README shows exactly this). */
import { Network } from '@conduits/netsim';

const net = new Network(1); // seeded: replays exactly
const a = net.host('a', '2001:db8::1');
const b = net.host('b', '2001:db8::2');
net.connect(a, b, { delay: 5, loss: 0.01, mtu: 1280 });
const server = b.bind(7);
server.datagrams$.subscribe((d) => server.send(d.from, d.fromPort, d.data)); // echo
const client = a.bind(40000);
client.datagrams$.subscribe((d) => console.log('echo of', d.data.length, 'bytes'));
client.send(b.address, 7, new Uint8Array(4000)); // fragmented and reassembled
net.run();
