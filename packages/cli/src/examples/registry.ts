import type { Graph } from '@conduits/core';
import { nobleEngine } from '@conduits/crypto';
import { buildChat } from './chat/scenario.js';
import { buildIpsecScenario } from './ipsec/scenario.js';
import { buildIsakmpScenario } from './isakmp/scenario.js';
import { buildTwoSites } from './ipsec/two-sites.js';
import { buildUdpScenario } from './udp/scenario.js';

/** Graphs the `graph` command can draw, by name. Later packages add theirs (host, ipsec-host, ...). */
export const examples: Record<
  string,
  { readonly describe: string; readonly build: () => Graph[] }
> = {
  chat: {
    describe:
      'the demo: two chat conversations (FSM/Coder/Cipher protocols) over one link; the server clones a conversation per key',
    build: () => {
      const s = buildChat(nobleEngine);
      return [s.client, s.server];
    },
  },
  host: {
    describe:
      'an IPv6 host: link adaptor, IPv6, Fragment, next-header mux, UDP with a ports mux, ICMPv6, bound UDP endpoints',
    build: () => {
      const s = buildUdpScenario();
      return [s.alice.graph];
    },
  },
  'ipsec-host': {
    describe:
      'Figure 7: a host with IPsec as a layer above IP (after reassembly), below the upper-layer protocols; each SA a Protocol of FSM / Coder / Cipher sessions on the SA mux',
    build: () => {
      // Run the exchange first: SA Protocols join the SA mux when their SA is first used.
      const s = buildIpsecScenario();
      s.net.run();
      return [s.alice.graph];
    },
  },
  'ipsec-gateway': {
    describe:
      'Figure 8: a security gateway, IPsec inside IP: interfaces mux, IPv6, reassembly, IPsec, forwarding',
    build: () => {
      const s = buildTwoSites();
      s.net.run();
      return [s.gateways[0]!.graph];
    },
  },
  isakmp: {
    describe:
      'Figure 9: ISAKMP beside IPsec: UDP adaptor (port 500), mux on the initiator cookie, the factory that asks the policy manager, one ISAKMP SA session per association (after one negotiation)',
    build: () => {
      const s = buildIsakmpScenario();
      s.net.run(5_000);
      return [s.a.isakmp.graph];
    },
  },
};
