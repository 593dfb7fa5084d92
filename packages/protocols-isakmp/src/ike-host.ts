/**
 * A host that keys its IPsec with IKEv1: the host's IPsec layer (protocols-ipsec, Figure 7)
 * with its SAD and SPD, the policy manager over them, and the ISAKMP graph (Figure 9) on the
 * host's UDP port 500. ACQUIRE from the layer (a PROTECT rule whose bundle has no SA) starts
 * a negotiation.
 */
import type { Conduit, Scheduler } from '@conduits/core';
import { engines, type CryptoEngine } from '@conduits/crypto';
import { parseIpv6, type Host } from '@conduits/protocols-inet';
import {
  ipsecLayer,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  type IpsecLayer,
} from '@conduits/protocols-ipsec';
import { hostTransport } from './conduits/ike-udp-adaptor.js';
import { IsakmpNode } from './conduits/isakmp-graph.js';
import type { IkeConfig } from './policy/config.js';
import { PolicyManager } from './policy/policy-manager.js';

export interface IkePeerHostOptions {
  readonly config: IkeConfig;
  readonly scheduler: Scheduler;
  /** Build the host with this security layer (e.g. `(security) => net.host('a', address, { security })`). */
  readonly host: (security: Conduit) => Host;
  readonly engine?: CryptoEngine;
  /** Opt-in: tshark `ikev1_decryption_table` lines for each ISAKMP SA. */
  readonly ikev1KeyLog?: (line: string) => void;
}

export interface IkePeerHost {
  readonly host: Host;
  readonly sad: SecurityAssociationDatabase;
  readonly spd: SecurityPolicyDatabase;
  readonly layer: IpsecLayer;
  readonly manager: PolicyManager;
  readonly isakmp: IsakmpNode;
}

export function ikePeerHost(o: IkePeerHostOptions): IkePeerHost {
  const sad = new SecurityAssociationDatabase({ scheduler: o.scheduler });
  const spd = new SecurityPolicyDatabase();
  const manager = new PolicyManager(o.config, { sad, spd });
  const layer = ipsecLayer({ sad, spd, address: parseIpv6(o.config.address) });
  const host = o.host(layer.conduit);
  const isakmp = new IsakmpNode({
    manager,
    transport: hostTransport(host.bind(500)),
    scheduler: o.scheduler,
    engine: o.engine ?? engines[o.config.engine ?? 'noble'],
    name: `isakmp@${o.config.address}`,
    ...(o.ikev1KeyLog ? { ikev1KeyLog: o.ikev1KeyLog } : {}),
  });
  layer.events$.subscribe((e) => {
    if (e.kind === 'acquire') manager.acquire(e);
  });
  return { host, sad, spd, layer, manager, isakmp };
}
