/** The README's rekeying example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this). */
import { Scheduler } from '@conduits/core';
import { parseIpv6 } from '@conduits/protocols-inet';
import {
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type SaConfig,
} from '@conduits/protocols-ipsec';

// A key manager's rekey: the SPD names a bundle; a soft expiry installs the next SA,
// repoints the bundle and deletes the old SA. The SPD is never rebuilt.
const scheduler = new Scheduler(); // virtual time
const sad = new SecurityAssociationDatabase({ scheduler });
const spd = new SecurityPolicyDatabase();
const remote = { address: parseIpv6('2001:db8::2'), prefix: 128 };
const negotiated: SaConfig = {
  spi: 0x1001,
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 },
  encryptionKey: new Uint8Array(20).fill(0x11),
  softLifetime: { time: 50_000 },
  hardLifetime: { time: 60_000 },
};
sad.create(negotiated);
spd.addOutbound({ name: 'to-b', selector: { remote }, action: 'protect', bundle: 'to-b' });
sad.setBundle('to-b', spi(0x1001));
let next = 0x1002;
sad.events$.subscribe((e) => {
  if (e.kind !== 'soft-expiry' || e.sa.direction !== 'outbound') return;
  const fresh = sad.create({ ...negotiated, spi: next++ }); // and the peer's inbound SA
  sad.setBundle('to-b', fresh.spi);
  sad.delete('outbound', e.sa.spi); // keys wiped; its Protocol leaves the SA mux
});
scheduler.run(120_000);
