/** A peer's configuration parsed once: proposals as suites, the key as bytes, selectors as ranges. */
import { parseIpv6, type Ipv6Address } from '@conduits/protocols-inet';
import type { AddressRange } from '@conduits/protocols-ipsec';
import { IsakmpConfigError } from '../errors.js';
import { parseEsp, parsePhase1, type EspSuite, type Phase1Suite } from './algorithms.js';
import type { ChildConfig, PeerConfig } from './config.js';

export interface ChildRuntime {
  readonly config: ChildConfig;
  readonly local: AddressRange;
  readonly remote: AddressRange;
  readonly protocol: number;
  readonly esp: readonly EspSuite[];
  readonly bundle: string;
}

export interface PeerRuntime {
  readonly config: PeerConfig;
  readonly address: Ipv6Address;
  readonly psk: Uint8Array;
  readonly ike: readonly Phase1Suite[];
  readonly children: readonly ChildRuntime[];
}

export function parseRange(text: string): AddressRange {
  const [a, p] = text.split('/');
  const prefix = p === undefined ? 128 : Number(p);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128)
    throw new IsakmpConfigError(`bad prefix in ${text}`);
  return { address: parseIpv6(a ?? ''), prefix };
}

export function peerRuntime(c: PeerConfig): PeerRuntime {
  const lifetime = c.lifetime ?? 28_800;
  const children = c.children.map((ch): ChildRuntime => {
    const esp = ch.esp.map((e) => parseEsp(e, ch.lifetime ?? 3600));
    const pfs = new Set(esp.map((e) => e.pfs?.number ?? 0));
    if (pfs.size > 1)
      throw new IsakmpConfigError(
        `child ${ch.name}: all ESP proposals must use the same PFS group (one KE payload)`,
      );
    if (esp.length === 0) throw new IsakmpConfigError(`child ${ch.name}: no ESP proposal`);
    return {
      config: ch,
      local: parseRange(ch.local),
      remote: parseRange(ch.remote),
      protocol: ch.protocol ?? 0,
      esp,
      bundle: `${c.name}/${ch.name}`,
    };
  });
  if (c.ike.length === 0) throw new IsakmpConfigError(`peer ${c.name}: no IKE proposal`);
  return {
    config: c,
    address: parseIpv6(c.address),
    psk: new TextEncoder().encode(c.psk),
    ike: c.ike.map((s) => parsePhase1(s, lifetime)),
    children,
  };
}
