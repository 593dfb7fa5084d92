/** The README's example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this). */
import { NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { Network } from '@conduits/netsim';
import {
  ipsecLayer,
  parseEspSa,
  saConfigsFor,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
} from '@conduits/protocols-ipsec';

const text = `"IPv6","2001:db8::1","2001:db8::2","0x00001001","AES-GCM with 16 octet ICV [RFC4106]","0x${'11'.repeat(20)}","NULL",""
"IPv6","2001:db8::2","2001:db8::1","0x00002001","AES-GCM with 16 octet ICV [RFC4106]","0x${'22'.repeat(20)}","NULL",""`;
const net = new Network(1);
const host = (me: string, peer: string, out: number) => {
  const sad = new SecurityAssociationDatabase();
  for (const c of saConfigsFor(me, parseEspSa(text))) sad.create(c);
  const spd = new SecurityPolicyDatabase();
  const remote = { address: parseIpv6(peer), prefix: 128 };
  spd.addOutbound({
    selector: { remote, nextHeader: NextHeader.UDP },
    action: 'protect',
    sa: spi(out),
  });
  spd.addInbound({ selector: { remote, nextHeader: NextHeader.UDP }, accept: [['esp']] });
  return net.host(me, me, { security: ipsecLayer({ sad, spd, address: parseIpv6(me) }).conduit });
};
const a = host('2001:db8::1', '2001:db8::2', 0x1001);
const b = host('2001:db8::2', '2001:db8::1', 0x2001);
net.connect(a, b);
b.bind(7).datagrams$.subscribe((d) => console.log('decrypted:', d.data));
a.bind(9).send(b.address, 7, new Uint8Array([1, 2, 3]));
net.run();
