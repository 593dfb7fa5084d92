/**
 * The security gateway of Java Conduits §4.2, Figure 8: IPsec inside IP. Tunnels are ESP or
 * AH (RFC 4302 tunnel mode: the outer header is covered by the ICV). Every packet is
 * checked, reassembled if it is for the gateway, run through IPsec (tunnel-mode ESP addressed
 * to the gateway is opened and the inner packet checked against the inbound policy), then
 * routed. Forwarded packets turn around at the Forward session and run through IPsec again,
 * where a separate outgoing policy, chosen by inspecting the packet, protects (tunnel mode),
 * bypasses or discards them.
 *
 *      Forward        (route by destination; hop limit; turn forwarded packets around)
 *         |
 *      IPsec-gw       (in: open tunnel ESP for us, policy on the inner packet; out: SPD by inspection)
 *         |
 *      Fragment       (reassembly of packets for the gateway)
 *         |
 *      IPv6-gw        (header checks; for us: pull headers; transit: keep the packet whole)
 *         |
 *      interfaces Mux (key: outgoing interface; B[i] stamps the incoming one)
 *       /    \
 *    eth0    eth1 ...
 */
import { attribute, GraphBuilder, Mux, Session, type Accessor, type Adaptor, type Graph, type Message, type Scheduler, type State } from '@conduits/core';
import {
  addressEquals,
  checkIpv6Header,
  DST,
  fragmentSession,
  ipOffset,
  nextHeader,
  NextHeader,
  parseIpv6,
  securityRelevant,
  SRC,
  walkExtensionHeaders,
  writeIpv6Header,
  type Ipv6Address,
} from '@conduits/protocols-inet';
import { ahProtect, ahVerify } from './ah.js';
import { espSecurityRelevant, type EspDropReason } from './esp-drop-reasons.js';
import type { SecurityAssociationDatabase } from './sad.js';
import { matches, type AddressRange, type PacketSelectors, type SecurityPolicyDatabase } from './spd.js';
import { appliedProtection } from './conduits/ipsec-session.js';

/** 1 when the packet is addressed to the gateway itself (headers pulled), 0 in transit (whole packet in the buffer). */
export const forGateway = attribute<number>('gw.local', 'stack');
export const inInterface = attribute<number>('gw.inIf', 'stack');
export const outInterface = attribute<number>('gw.outIf', 'stack');

export interface Route {
  readonly prefix: AddressRange;
  readonly interface: number;
}

export interface GatewayOptions {
  readonly name: string;
  /** The gateway's addresses (one per interface, or more). */
  readonly addresses: readonly (string | Ipv6Address)[];
  readonly interfaces: readonly Adaptor[];
  /** Longest prefix wins. */
  readonly routes: readonly Route[];
  readonly sad: SecurityAssociationDatabase;
  readonly spd: SecurityPolicyDatabase;
}

const interfaceAccessor: Accessor<number> = {
  name: 'outgoing-interface',
  key: (m) => m.get(outInterface),
  stamp: (m, i) => void m.set(inInterface, i),
  format: (i) => `if ${i}`,
};

export class Gateway {
  readonly graph: Graph;
  readonly addresses: readonly Ipv6Address[];
  readonly #routes: readonly Route[];

  constructor(options: GatewayOptions, scheduler: Scheduler) {
    this.addresses = options.addresses.map((a) => (typeof a === 'string' ? parseIpv6(a) : a));
    this.#routes = [...options.routes].sort((x, y) => y.prefix.prefix - x.prefix.prefix);
    const g = new GraphBuilder(options.name);
    const forward = g.session('forward', { initial: this.#forwardState(), terminal: 'B' });
    const ipsec = g.session('ipsec-gw', { initial: this.#ipsecState(options.sad, options.spd) });
    const frag = g.add(fragmentSession({ mtu: 65535 }));
    const ip = g.session('ipv6-gw', { initial: this.#ipv6State() });
    const ifs = g.add(new Mux<number>('interfaces', interfaceAccessor));
    g.stack(forward, ipsec, frag, ip);
    g.connect(ip.a, ifs.a);
    options.interfaces.forEach((adaptor, i) => g.route(ifs, i, adaptor));
    this.graph = g.build(scheduler);
  }

  /** The interface for a destination, by longest prefix; undefined when there is no route. */
  route(bytes: Uint8Array, at: number): number | undefined {
    for (const r of this.#routes) if (matches({ local: r.prefix }, { remote: bytes, remoteAt: at, local: bytes, localAt: at, nextHeader: 0, remotePort: 0, localPort: 0 })) return r.interface;
    return undefined;
  }

  #mine(bytes: Uint8Array, at: number): boolean {
    for (const a of this.addresses) if (addressEquals(bytes, at, a)) return true;
    return false;
  }

  #ipv6State(): State {
    const walk = { nextHeader: 0 };
    return {
      name: 'ipv6-gw',
      accept: (s, msg, from) => {
        if (from === 'B') return s.send('A', msg);
        const b = msg.buffer;
        const r = checkIpv6Header(b);
        if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
        const at = b.start;
        msg.set(ipOffset, at);
        if (!this.#mine(b.bytes, at + DST)) {
          msg.set(forGateway, 0);
          return s.send('B', msg);
        }
        msg.set(forGateway, 1);
        b.pull(40);
        const e = walkExtensionHeaders(b, b.bytes[at + 6] as number, walk);
        if (e !== null) return s.drop(msg, e, securityRelevant.has(e));
        msg.set(nextHeader, walk.nextHeader);
        s.send('B', msg);
      },
    };
  }

  #ipsecState(sad: SecurityAssociationDatabase, spd: SecurityPolicyDatabase): State {
    const sel: PacketSelectors = { remote: new Uint8Array(16), remoteAt: 0, local: new Uint8Array(16), localAt: 0, nextHeader: 0, remotePort: -1, localPort: -1 };
    /** Selectors of a whole IPv6 packet at `at`, read by inspection. */
    const inspect = (msg: Message, at: number, inbound: boolean): void => {
      const b = msg.buffer;
      sel.remote = sel.local = b.bytes;
      sel.remoteAt = at + (inbound ? SRC : DST);
      sel.localAt = at + (inbound ? DST : SRC);
      sel.nextHeader = b.bytes[at + 6] as number;
      if ((sel.nextHeader === NextHeader.UDP || sel.nextHeader === NextHeader.TCP) && b.end >= at + 44) {
        const first = b.view.getUint16(at + 40);
        const second = b.view.getUint16(at + 42);
        sel.remotePort = inbound ? first : second;
        sel.localPort = inbound ? second : first;
      } else sel.remotePort = sel.localPort = -1;
    };
    const drop = (s: Session, msg: Message, r: EspDropReason): void => s.drop(msg, r, espSecurityRelevant.has(r));
    return {
      name: 'ipsec-gw',
      accept: (s, msg, from) => {
        const b = msg.buffer;
        if (from === 'B') {
          // A forwarded packet: the outgoing policy, by inspection of its headers.
          inspect(msg, b.start, false);
          const rule = spd.matchOutbound(sel);
          const action = rule?.action ?? spd.defaultOutbound;
          if (action === 'bypass') return s.send('A', msg);
          if (rule === undefined || rule.action !== 'protect') return drop(s, msg, 'ipsec-discard');
          const id = typeof rule.sa === 'number' ? rule.sa : rule.sa[0];
          const sa = id === undefined ? undefined : sad.outbound(id);
          if (sa === undefined || sa.mode !== 'tunnel' || sa.source === undefined || sa.destination === undefined) return drop(s, msg, 'esp-no-sa');
          const ah = sa.protocol === 'ah';
          const r = ah ? ahProtect(sa, b, NextHeader.IPV6, sa.source, sa.destination) : sa.encapsulate(b, NextHeader.IPV6);
          if (r !== null) return drop(s, msg, r);
          writeIpv6Header(b, ah ? NextHeader.AH : NextHeader.ESP, 64, sa.source, sa.destination);
          const out = this.route(sa.destination, 0);
          if (out === undefined) return s.drop(msg, 'gw-no-route');
          msg.set(outInterface, out);
          return s.send('A', msg);
        }
        if (msg.get(forGateway) !== 1) {
          // Transit traffic that arrived unprotected must not be traffic the policy wants protected (no spoofing past the tunnel).
          inspect(msg, b.start, true);
          if (!spd.accepts(sel, 0)) return drop(s, msg, 'esp-policy-violation');
          return s.send('B', msg);
        }
        let applied = 0;
        let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
        const ipAt = msg.get(ipOffset) ?? 0;
        while (nh === NextHeader.ESP || nh === NextHeader.AH) {
          // One tunnel layer: the inner packet is then a packet of its own.
          if (applied !== 0) return drop(s, msg, 'esp-policy-violation');
          const ah = nh === NextHeader.AH;
          if (b.length < (ah ? 12 : 8)) return drop(s, msg, 'esp-truncated');
          const sa = sad.inbound(b.view.getUint32(b.start + (ah ? 4 : 0)), ah ? 'ah' : 'esp');
          if (sa === undefined) return drop(s, msg, 'esp-unknown-spi');
          const r = ah ? ahVerify(sa, b, ipAt) : sa.decapsulate(b);
          if (typeof r === 'string') return drop(s, msg, r);
          nh = r;
          applied = ah ? 2 : 1;
        }
        if (nh === NextHeader.IPV6 && applied !== 0) {
          // The tunnel's inner packet: checked as a packet, then forwarded.
          const r = checkIpv6Header(b);
          if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
          inspect(msg, b.start, true);
          if (!spd.accepts(sel, applied)) return drop(s, msg, 'esp-policy-violation');
          msg.set(ipOffset, b.start);
          msg.set(forGateway, this.#mine(b.bytes, b.start + DST) ? 1 : 0);
          msg.set(appliedProtection, applied);
          return s.send('B', msg);
        }
        // For the gateway itself (it runs no upper-layer protocols here).
        s.drop(msg, 'gw-local-delivery');
      },
    };
  }

  #forwardState(): State {
    return {
      name: 'forward',
      accept: (s, msg) => {
        const b = msg.buffer;
        if (msg.get(forGateway) === 1) return s.drop(msg, 'gw-local-delivery');
        const at = b.start;
        const hop = b.bytes[at + 7] as number;
        if (hop <= 1) return s.drop(msg, 'gw-hop-limit-exceeded');
        const out = this.route(b.bytes, at + DST);
        if (out === undefined) return s.drop(msg, 'gw-no-route');
        b.bytes[at + 7] = hop - 1;
        msg.set(outInterface, out);
        s.send('A', msg); // turn around: down through IPsec's outgoing policy
      },
    };
  }
}
