/**
 * The security gateway of Java Conduits §4.2, Figure 8: IPsec inside IP. Tunnels are ESP or
 * AH (RFC 4302 tunnel mode: the outer header is covered by the ICV), ESP optionally in UDP
 * (RFC 3948: port 4500, as strongSwan's userspace ESP needs). Every packet is
 * checked, reassembled if it is for the gateway, run through IPsec (tunnel-mode ESP addressed
 * to the gateway is opened and the inner packet checked against the inbound policy), then
 * routed. Forwarded packets turn around at the Forward session and run through IPsec again,
 * where a separate outgoing policy, chosen by inspecting the packet, protects (tunnel mode),
 * bypasses or discards them.
 *
 *      Forward        (route by destination; hop limit; turn forwarded packets around)
 *         |
 *      IPsec-gw       (in: open tunnel ESP/AH for us, policy on the inner packet; out: SPD by inspection;
 *                      a Protocol: policy session over the SA mux of FSM / Coder / Cipher SAs)
 *         |
 *      Fragment       (reassembly of packets for the gateway)
 *         |
 *      IPv6-gw        (header checks; for us: pull headers; transit: keep the packet whole)
 *         |
 *      interfaces Mux (key: outgoing interface; B[i] stamps the incoming one)
 *       /    \
 *    eth0    eth1 ...
 */
import {
  attribute,
  Deliver,
  GraphBuilder,
  Mux,
  Protocol,
  type Accessor,
  type Adaptor,
  type Graph,
  type Message,
  type Scheduler,
  type Session,
  type State,
} from '@conduits/core';
import {
  addressEquals,
  fragmentSession,
  ipOffset,
  nextHeader,
  NextHeader,
  parseIpv6,
  remoteAddress,
  type Ipv6Address,
} from '@conduits/protocols-inet';
import {
  checkIpv6Header,
  checkUdp,
  DST,
  securityRelevant,
  walkExtensionHeaders,
  writeIpv6Header,
  writeUdp,
} from '@conduits/protocols-inet/codec';
import type { Observable } from 'rxjs';
import type { EspDropReason } from './esp-drop-reasons.js';
import {
  openedOuter,
  packetSelectors,
  PolicyEngine,
  readAddresses,
  readPorts,
  type AcquireEvent,
} from './policy-engine.js';
import type { SecurityAssociationDatabase } from './sad.js';
import { matches, type AddressRange, type SecurityPolicyDatabase } from './spd.js';
import { appliedProtection, natTraversalPort, outerSa } from './conduits/ipsec-session.js';
import { saKey, SaMux } from './conduits/sa-mux.js';
import { ahSource, Open, Opened, Seal, Sealed } from './conduits/sa-protocol.js';
import type { SecurityAssociation } from './security-association.js';

/** 1 when the packet is addressed to the gateway itself (headers pulled), 0 in transit (whole packet in the buffer). */
export const forGateway = attribute<number>('gw.local', 'stack');
export const inInterface = attribute<number>('gw.inIf', 'stack');
export const outInterface = attribute<number>('gw.outIf', 'stack');
/** The tunnel SA a forwarded packet is being sealed by. */
const tunnel = attribute<SecurityAssociation>('gw.tunnelSa', 'stack');

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
  /** The SAD; the gateway runs its SAs' lifetimes on its scheduler (`sad.useScheduler`). */
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
  /** The policy decisions (the same engine as the host's layer). */
  readonly engine: PolicyEngine;
  readonly #routes: readonly Route[];

  constructor(options: GatewayOptions, scheduler: Scheduler) {
    this.addresses = options.addresses.map((a) => (typeof a === 'string' ? parseIpv6(a) : a));
    this.#routes = [...options.routes].sort((x, y) => y.prefix.prefix - x.prefix.prefix);
    options.sad.useScheduler(scheduler);
    this.engine = new PolicyEngine(options.sad, options.spd);
    const g = new GraphBuilder(options.name);
    const forward = g.session('forward', { initial: this.#forwardState(), terminal: 'B' });
    const ipsec = g.add(this.#ipsecLayer(options.sad));
    const frag = g.add(fragmentSession({ mtu: 65535 }));
    const ip = g.session('ipv6-gw', { initial: this.#ipv6State() });
    const ifs = g.add(new Mux<number>('interfaces', interfaceAccessor));
    g.stack(forward, ipsec, frag, ip);
    g.connect(ip.a, ifs.a);
    options.interfaces.forEach((adaptor, i) => g.route(ifs, i, adaptor));
    this.graph = g.build(scheduler);
  }

  /** ACQUIRE: a PROTECT rule named a tunnel SA (or bundle) the SAD does not hold. */
  get events$(): Observable<AcquireEvent> {
    return this.engine.acquire$;
  }

  /** The interface for a destination, by longest prefix; undefined when there is no route. */
  route(bytes: Uint8Array, at: number): number | undefined {
    for (const r of this.#routes)
      if (
        matches(
          { local: r.prefix },
          {
            remote: bytes,
            remoteAt: at,
            local: bytes,
            localAt: at,
            nextHeader: 0,
            remotePort: 0,
            localPort: 0,
          },
        )
      )
        return r.interface;
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

  /**
   * IPsec inside the gateway: a Protocol of the policy session over an SA mux (shared with the
   * host's layer): each tunnel SA's FSM / Coder / Cipher Protocol seals and opens the packets.
   */
  #ipsecLayer(sad: SecurityAssociationDatabase): Protocol {
    return new Protocol('ipsec-gw', (g) => {
      const sas = new SaMux(g, sad);
      const policy = g.session('ipsec-gw', { initial: this.#ipsecState(sad, sas) });
      g.connect(policy.a, sas.mux.a);
      return { a: sas.wire.b, b: policy.b };
    });
  }

  #ipsecState(sad: SecurityAssociationDatabase, sas: SaMux): State {
    const engine = this.engine;
    const sel = packetSelectors();
    /** Selectors of a whole IPv6 packet at `at`, read by inspection. */
    const inspect = (msg: Message, at: number, inbound: boolean): void => {
      const b = msg.buffer;
      readAddresses(sel, b.bytes, at, inbound);
      sel.nextHeader = b.bytes[at + 6] as number;
      readPorts(sel, b, at + 40, inbound);
    };
    const drop = (s: Session, msg: Message, r: EspDropReason): void => engine.drop(s, msg, r);
    const toWire = (s: Session, msg: Message): void => {
      msg.set(saKey, 0);
      msg.messenger = Deliver;
      s.send('A', msg);
    };
    return {
      name: 'ipsec-gw',
      accept: (s, msg, from) => {
        const b = msg.buffer;
        if (from === 'B') {
          // A forwarded packet: the outgoing policy, by inspection of its headers.
          inspect(msg, b.start, false);
          const d = engine.outbound(sel, s.graph.scheduler.now());
          if (d === 'bypass') return toWire(s, msg);
          if (d === 'discard') return drop(s, msg, 'ipsec-discard');
          if (d === 'no-sa') return drop(s, msg, 'esp-no-sa');
          const id = typeof d === 'number' ? d : d[0];
          const sa = id === undefined ? undefined : engine.outboundSa(id, s.graph.scheduler.now());
          if (
            sa === undefined ||
            sa.mode !== 'tunnel' ||
            sa.source === undefined ||
            sa.destination === undefined
          )
            return drop(s, msg, 'esp-no-sa');
          // Up into the tunnel SA's Protocol (the whole packet is its payload); it comes back Sealed.
          msg.set(nextHeader, NextHeader.IPV6).set(tunnel, sa).set(saKey, sas.keyOf(s, sa));
          if (sa.protocol === 'ah') msg.set(ahSource, sa.source).set(remoteAddress, sa.destination);
          msg.messenger = Seal;
          return s.send('A', msg);
        }
        const m = msg.messenger;
        if (m === Sealed) {
          const sa = msg.get(tunnel) as SecurityAssociation;
          const dst = sa.destination as Ipv6Address;
          const encap = sa.protocol === 'esp' ? sa.udpEncapsulation : undefined;
          // RFC 3948 §2.1; over IPv6 the UDP checksum is computed (a zero one is IPv4's privilege).
          if (encap !== undefined)
            writeUdp(b, encap.sourcePort, encap.destinationPort, sa.source as Ipv6Address, dst);
          writeIpv6Header(
            b,
            encap !== undefined
              ? NextHeader.UDP
              : sa.protocol === 'ah'
                ? NextHeader.AH
                : NextHeader.ESP,
            64,
            sa.source as Ipv6Address,
            dst,
          );
          const out = this.route(dst, 0);
          if (out === undefined) return s.drop(msg, 'gw-no-route');
          msg.set(outInterface, out);
          return toWire(s, msg);
        }
        if (m === Opened) {
          // One tunnel layer: the inner packet is then a packet of its own.
          const nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
          if (nh === NextHeader.ESP || nh === NextHeader.AH)
            return drop(s, msg, 'esp-policy-violation');
          msg.messenger = Deliver;
          const applied = msg.get(appliedProtection) ?? 0;
          if (nh === NextHeader.NO_NEXT_HEADER && applied === 1) return drop(s, msg, 'esp-dummy'); // RFC 4303 §2.6
          if (nh !== NextHeader.IPV6) return s.drop(msg, 'gw-local-delivery'); // for the gateway itself: it runs no upper-layer protocols here
          // The tunnel's inner packet: checked as a packet, against the tunnel SA's selectors and the policy, then forwarded.
          const r = checkIpv6Header(b);
          if (r !== null) return s.drop(msg, r, securityRelevant.has(r));
          inspect(msg, b.start, true);
          const v = engine.inbound(sel, applied, msg.get(openedOuter), undefined);
          if (v !== null) return drop(s, msg, v);
          msg.set(ipOffset, b.start);
          msg.set(forGateway, this.#mine(b.bytes, b.start + DST) ? 1 : 0);
          return s.send('B', msg);
        }
        if (msg.get(forGateway) !== 1) {
          // Transit traffic that arrived unprotected must not be traffic the policy wants protected (no spoofing past the tunnel).
          inspect(msg, b.start, true);
          const v = engine.inbound(sel, 0, undefined, undefined);
          if (v !== null) return drop(s, msg, v);
          return s.send('B', msg);
        }
        let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
        // ESP in UDP (RFC 3948 §2.2): port 4500, and a first word that is not zero (zero marks IKE, which the gateway leaves alone).
        if (
          nh === NextHeader.UDP &&
          b.length >= 9 &&
          b.view.getUint16(b.start + 2) === natTraversalPort
        ) {
          if (b.length === 9 && b.bytes[b.start + 8] === 0xff) return s.drop(msg, 'nat-keepalive');
          if (b.length >= 12 && b.view.getUint32(b.start + 8) !== 0) {
            if (checkUdp(b, msg.get(ipOffset) ?? 0) !== null)
              return drop(s, msg, 'udp-encap-bad-checksum');
            b.pull(8);
            nh = NextHeader.ESP;
          }
        }
        if (nh !== NextHeader.ESP && nh !== NextHeader.AH) return s.drop(msg, 'gw-local-delivery');
        const ah = nh === NextHeader.AH;
        if (b.length < (ah ? 12 : 8)) return drop(s, msg, 'esp-truncated');
        const sa = sad.inbound(b.view.getUint32(b.start + (ah ? 4 : 0)), ah ? 'ah' : 'esp');
        if (sa === undefined) return drop(s, msg, 'esp-unknown-spi');
        msg
          .set(appliedProtection, ah ? 2 : 1)
          .set(outerSa, sa.spi)
          .set(openedOuter, sa)
          .set(saKey, sas.keyOf(s, sa));
        msg.messenger = Open;
        s.send('A', msg);
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
