/**
 * The SAD and SPD of one security gateway in a site-to-site tunnel: protect traffic between
 * the two sites' prefixes with tunnel-mode ESP (any transform: an AEAD, or CBC/CTR with an
 * HMAC) or AH, optionally carried in UDP (RFC 3948), refuse it unprotected, bypass the rest.
 * The tunnel SAs carry the two sites' prefixes as their selectors, so the peer can only send
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
  readonly outbound: TunnelSa;
  readonly inbound: TunnelSa;
  /** ESP in UDP (RFC 3948, as strongSwan's userspace ESP needs): the ports of the outbound UDP header (4500 both, usually). */
  readonly udpEncapsulation?: { readonly sourcePort: number; readonly destinationPort: number };
}

export interface TunnelSa {
  readonly spi: number;
  /** ESP: the encryption keying material (key, then salt/nonce); AH: the integrity key. */
  readonly key: Uint8Array;
  /** ESP with CBC or CTR: the key of the transform's HMAC. */
  readonly integrityKey?: Uint8Array | undefined;
  /** Outbound: the last sequence number sent; inbound: the top of the replay window. @default 0 */
  readonly initialSequence?: number;
  /** Anti-replay window of the inbound SA. @default 64 */
  readonly replayWindow?: number;
}

function range(cidr: string): { address: ReturnType<typeof parseIpv6>; prefix: number } {
  const [a, p] = cidr.split('/');
  return { address: parseIpv6(a ?? ''), prefix: Number(p ?? 128) };
}

export function siteToSite(
  c: SiteToSite,
  into?: { sad: SecurityAssociationDatabase; spd: SecurityPolicyDatabase },
): { sad: SecurityAssociationDatabase; spd: SecurityPolicyDatabase } {
  const sad = into?.sad ?? new SecurityAssociationDatabase();
  const sites = { local: range(c.local.site), remote: range(c.peer.site) };
  const me = parseIpv6(c.local.outside);
  const peer = parseIpv6(c.peer.outside);
  const keys = (t: TunnelSa) => ({
    ...(c.protocol === 'ah'
      ? { protocol: 'ah' as const, encryptionKey: new Uint8Array(0), integrityKey: t.key }
      : { encryptionKey: t.key, ...(t.integrityKey ? { integrityKey: t.integrityKey } : {}) }),
    ...(t.initialSequence !== undefined ? { initialSequence: t.initialSequence } : {}),
    ...(t.replayWindow !== undefined ? { replayWindow: t.replayWindow } : {}),
  });
  const encap = c.udpEncapsulation;
  sad.create({
    spi: c.outbound.spi,
    direction: 'outbound',
    mode: 'tunnel',
    source: me,
    destination: peer,
    transform: c.transform,
    selector: sites,
    ...keys(c.outbound),
    ...(encap ? { udpEncapsulation: encap } : {}),
  });
  sad.create({
    spi: c.inbound.spi,
    direction: 'inbound',
    mode: 'tunnel',
    source: peer,
    destination: me,
    transform: c.transform,
    selector: sites,
    ...keys(c.inbound),
    ...(encap
      ? {
          udpEncapsulation: {
            sourcePort: encap.destinationPort,
            destinationPort: encap.sourcePort,
          },
        }
      : {}),
  });
  const spd = into?.spd ?? new SecurityPolicyDatabase();
  if (into === undefined) {
    spd.defaultOutbound = 'bypass';
    spd.defaultInbound = [[]];
  }
  spd.addOutbound({
    selector: { local: range(c.local.site), remote: range(c.peer.site) },
    action: 'protect',
    sa: spi(c.outbound.spi),
  });
  spd.addInbound({
    selector: { remote: range(c.peer.site), local: range(c.local.site) },
    accept: [[c.protocol ?? 'esp']],
  });
  return { sad, spd };
}
