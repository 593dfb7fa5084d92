/** The README's example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this). */
import { Adversary, Network, PcapWriter } from '@conduits/netsim';
const net = new Network(42);
const a = net.host('a', '2001:db8::1');
const b = net.host('b', '2001:db8::2');
const link = net.connect(a, b, { delay: 5, jitter: 2, loss: 0.05, reorder: 0.2 });
const pcap = new PcapWriter();
link.capture(pcap);
const adv = new Adversary();
link.setAdversary(adv);
adv.modify(
  (p) => p.index === 3,
  (bytes) => {
    bytes[bytes.length - 1]! ^= 1;
    return bytes;
  },
);
// ... bind, send, net.run(), then writeFileSync('x.pcap', pcap.toBytes())
