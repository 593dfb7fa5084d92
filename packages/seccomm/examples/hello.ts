/** The README's example, kept runnable: from the repository root, `npx tsx packages/seccomm/examples/hello.ts`. */
import { engines } from '@conduits/crypto';
import { Network } from '@conduits/netsim';
import { presets, resolveComposition, SecureChannel } from '@conduits/seccomm';

const net = new Network(1);
const [a, b] = [net.host('a', '2001:db8::a'), net.host('b', '2001:db8::b')];
net.connect(a, b);
const composition = resolveComposition(presets['esp-like']); // X25519 under a pre-shared key, AES-GCM, sequence numbers
const psk = new Map([[2, engines.node.randomBytes(32)]]);
const open = (host: typeof a, role: 'client' | 'server', peer: string) =>
  SecureChannel.open(host, composition, {
    engine: engines.node,
    role,
    port: 4000,
    peer,
    peerPort: 4000,
    keys: psk,
    participants: { self: role, peer: role === 'client' ? 'server' : 'client' },
  });
const client = open(a, 'client', '2001:db8::b');
const server = open(b, 'server', '2001:db8::a');
server.onMessage((data, sender) => console.log(new TextDecoder().decode(data), sender)); // sender: set when a composition authenticates messages
client.push(new TextEncoder().encode('hello')); // waits at the push gate until the key is agreed
net.run();
