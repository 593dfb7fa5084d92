/**
 * The SAD and SPD of one security gateway in a site-to-site tunnel: protect traffic between
 * the two sites' prefixes with tunnel-mode ESP, refuse it unprotected, bypass the rest. The
 * tunnel SAs carry the two sites' prefixes as their selectors, so the peer can only send
 * traffic from its own site (RFC 4301 §5.2). `into` adds the tunnel to a gateway's existing
 * SAD and SPD (one gateway, several peers).
 */
import { parseIpv6 } from '@conduits/protocols-inet';
import { SecurityAssociationDatabase } from './sad.js';
import { spi } from './security-association.js';
import { SecurityPolicyDatabase } from './spd.js';
import type { TransformSpec } from './transforms.js';

export interface TunnelEnd {
  /** The gateway's outside address (the tunnel endpoint). */
  readonly outside: string;
  /** The site's prefix behind it, e.g. "2001:db8:a::/48". */
  readonly site: string;
}

export interface SiteToSite {
  readonly local: TunnelEnd;
  readonly peer: TunnelEnd;
  readonly transform: TransformSpec;
  /** ESP (default) or AH (then `key` is the integrity key of `transform.integrity`). */
  readonly protocol?: 'esp' | 'ah';
  readonly outbound: { readonly spi: number; readonly key: Uint8Array };
  readonly inbound: { readonly spi: number; readonly key: Uint8Array };
}

function range(cidr: string): { address: ReturnType<typeof parseIpv6>; prefix: number } {
  const [a, p] = cidr.split('/');
  return { address: parseIpv6(a ?? ''), prefix: Number(p ?? 128) };
}

export function siteToSite(c: SiteToSite, into?: { sad: SecurityAssociationDatabase; spd: SecurityPolicyDatabase }): { sad: SecurityAssociationDatabase; spd: SecurityPolicyDatabase } {
  const sad = into?.sad ?? new SecurityAssociationDatabase();
  const sites = { local: range(c.local.site), remote: range(c.peer.site) };
  const me = parseIpv6(c.local.outside);
  const peer = parseIpv6(c.peer.outside);
  const keys = (key: Uint8Array) => (c.protocol === 'ah' ? { protocol: 'ah' as const, encryptionKey: new Uint8Array(0), integrityKey: key } : { encryptionKey: key });
  sad.create({ spi: c.outbound.spi, direction: 'outbound', mode: 'tunnel', source: me, destination: peer, transform: c.transform, selector: sites, ...keys(c.outbound.key) });
  sad.create({ spi: c.inbound.spi, direction: 'inbound', mode: 'tunnel', source: peer, destination: me, transform: c.transform, selector: sites, ...keys(c.inbound.key) });
  const spd = into?.spd ?? new SecurityPolicyDatabase();
  if (into === undefined) {
    spd.defaultOutbound = 'bypass';
    spd.defaultInbound = [[]];
  }
  spd.addOutbound({ selector: { local: range(c.local.site), remote: range(c.peer.site) }, action: 'protect', sa: spi(c.outbound.spi) });
  spd.addInbound({ selector: { remote: range(c.peer.site), local: range(c.local.site) }, accept: [[c.protocol ?? 'esp']] });
  return { sad, spd };
}
