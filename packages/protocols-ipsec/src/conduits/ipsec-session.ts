/**
 * The host's IPsec layer (Java Conduits §4.2, Figure 7): above IP (after reassembly), below
 * the upper-layer protocols. A Protocol whose inner graph is
 *
 *   side B (to the next-header Mux)
 *     policy session     the SPD: selects protection going out; checks what was applied coming in
 *     SA Mux             key: the SA a packet is for (0: the wire); B[i] an ESP SA's
 *     ├── B[0] wire      Protocol of FSM / Coder / Cipher sessions (saProtocol), installed on first use
 *     └── B[i] SA i
 *   side A (to Fragment)
 *
 * Inbound, the policy session sends each ESP layer to its SA (nested up to a limit) and gets
 * the opened packet back, decorates it with the protections and SAs applied, then checks them
 * against the inbound policy. Outbound, the SPD selects PROTECT (with an SA or a bundle),
 * BYPASS or DISCARD; a bundle's SAs are applied one after the other, inner first, each by its
 * own SA Protocol (ESP and AH alike). A tunnel-mode SA wraps the packet in an inner IPv6
 * header (this host to its destination) and sends it to the tunnel's far end; coming in, the
 * inner packet it opens must be IPv6 and for this host, and is what the policy then sees. ESP
 * in UDP (RFC 3948) works in either mode.
 */
import { attribute, Deliver, Protocol, type Message, type Session, type State } from '@conduits/core';
import { addressEquals, checkIpv6Header, checkUdp, DST, ipOffset, nextHeader, NextHeader, remoteAddress, SRC, walkExtensionHeaders, writeIpv6Header, writeUdp } from '@conduits/protocols-inet';
import { Subject, type Observable } from 'rxjs';
import { espSecurityRelevant, type EspDropReason } from '../esp-drop-reasons.js';
import type { SecurityAssociationDatabase } from '../sad.js';
import type { LifetimeEvent, SecurityAssociation, Spi } from '../security-association.js';
import type { PacketSelectors, SecurityPolicyDatabase } from '../spd.js';
import { ahSource, Open, Opened, Seal, Sealed } from './sa-protocol.js';
import { saKey, SaMux } from './sa-mux.js';

/** Set by a protocol or application above to choose outgoing protection by tag (SPD `Selector.tag`). */
export const protectionTag = attribute<string>('ipsec.tag', 'stack');

/** Protections applied to an arriving packet, as a `protectionCode` number (outermost first). */
export const appliedProtection = attribute<number>('ipsec.applied', 'stack');
/** The SPI of the outermost SA that was applied to an arriving packet. */
export const outerSa = attribute<Spi>('ipsec.outerSa', 'stack');
/** The SPI of the inner SA, when two were applied (AH+ESP, ESP in ESP). */
export const innerSa = attribute<Spi>('ipsec.innerSa', 'stack');

/** Outbound: the bundle being applied and how far. */
const bundleSas = attribute<Spi | readonly Spi[]>('ipsec.bundle', 'stack');
const bundleStep = attribute<number>('ipsec.bundleStep', 'stack');
/** Inbound: 1 while the layer being opened is a tunnel-mode SA's (0 or unset otherwise). */
const tunnelLayer = attribute<number>('ipsec.tunnel', 'stack');


/** A packet encrypted more deeply than this is refused: multiply encrypted packets cost CPU (§4.2). */
export const MAX_NESTING = 2;

export interface IpsecConfig {
  readonly sad: SecurityAssociationDatabase;
  readonly spd: SecurityPolicyDatabase;
  /** The host's own address (the local selector). */
  readonly address: Uint8Array;
  /**
   * Where the inbound policy is checked (Java Conduits §4.2): once, after every layer is
   * removed (`after-all`, the paper's main design), or before each further layer is opened
   * (`per-layer`, its alternative: bad packets die earlier, the check runs more often).
   * @default 'after-all'
   */
  readonly placement?: 'after-all' | 'per-layer';
  /** How often SA time lifetimes are checked, ms. @default 1000 */
  readonly lifetimeCheck?: number;
}

export type SaEvent =
  | { readonly kind: 'lifetime'; readonly sa: SecurityAssociation; readonly event: LifetimeEvent; readonly time: number }
  /** A PROTECT rule named an SA the SAD does not hold: a key manager should negotiate one (RFC 4301 §5.1, ACQUIRE). */
  | { readonly kind: 'acquire'; readonly spi: Spi; readonly time: number };

export interface IpsecLayer {
  /** The layer as one conduit: put it between Fragment (side A) and the next-header Mux (side B). */
  readonly conduit: Protocol;
  readonly events$: Observable<SaEvent>;
}

/** The NAT-traversal port ESP in UDP arrives on (RFC 3948). */
export const natTraversalPort = 4500;

export function ipsecLayer(config: IpsecConfig): IpsecLayer {
  const events = new Subject<SaEvent>();
  const sel: PacketSelectors = { remote: new Uint8Array(16), remoteAt: 0, local: new Uint8Array(16), localAt: 0, nextHeader: 0, remotePort: 0, localPort: 0 };
  const perLayer = config.placement === 'per-layer';
  const walk = { nextHeader: 0 };
  let timerSet = false;

  return {
    events$: events.asObservable(),
    conduit: new Protocol('ipsec', (g) => {
      const sas = new SaMux(g);
      const keyOf = (s: Session, sa: SecurityAssociation): number =>
        sas.keyOf(s, sa, () => {
          sa.onLifetime = (x, e) => events.next({ kind: 'lifetime', sa: x, event: e, time: s.graph.scheduler.now() });
          if (timerSet) return;
          timerSet = true;
          const sch = s.graph.scheduler;
          sch.unref(
            sch.every(config.lifetimeCheck ?? 1000, () => {
              for (const a of config.sad.all()) a.checkTime(sch.now());
              sas.sweep();
            }),
          );
        });

      const ports = (msg: Message, remoteFirst: boolean): void => {
        const b = msg.buffer;
        if ((sel.nextHeader === NextHeader.UDP || sel.nextHeader === NextHeader.TCP) && b.length >= 4) {
          const first = b.view.getUint16(b.start);
          const second = b.view.getUint16(b.start + 2);
          sel.remotePort = remoteFirst ? first : second;
          sel.localPort = remoteFirst ? second : first;
        } else sel.remotePort = sel.localPort = -1;
      };

      const drop = (s: Session, msg: Message, r: EspDropReason): void => s.drop(msg, r, espSecurityRelevant.has(r));

      /** To Fragment (side A of the layer) through the wire. */
      const toWire = (s: Session, msg: Message, nh: number): void => {
        msg.set(nextHeader, nh).set(saKey, 0);
        msg.messenger = Deliver;
        s.send('A', msg);
      };

      /** Outbound: apply the bundle's SA number `step` (inner first), or send the packet out when all are applied. */
      const sealNext = (s: Session, msg: Message, step: number, nh: number): void => {
        const bundle = msg.get(bundleSas) as Spi | readonly Spi[];
        const n = typeof bundle === 'number' ? 1 : bundle.length;
        for (let k = step; k < n; k++) {
          const id = typeof bundle === 'number' ? bundle : (bundle[k] as Spi);
          const sa = config.sad.outbound(id);
          if (sa === undefined) {
            events.next({ kind: 'acquire', spi: id, time: s.graph.scheduler.now() });
            return drop(s, msg, 'esp-no-sa');
          }
          if (sa.mode === 'tunnel') {
            // RFC 4301 §5.1.2.1: the whole packet goes inside, from this host to its destination; the outer one goes to the tunnel's far end.
            writeIpv6Header(msg.buffer, nh, 64, config.address, msg.get(remoteAddress) as Uint8Array);
            nh = NextHeader.IPV6;
            if (sa.destination !== undefined) msg.set(remoteAddress, sa.destination);
          }
          // Up into the SA's Protocol; it comes back Sealed and the bundle goes on from k + 1.
          if (sa.protocol === 'ah') msg.set(ahSource, config.address);
          msg.set(nextHeader, nh).set(bundleStep, k).set(saKey, keyOf(s, sa));
          msg.messenger = Seal;
          return s.send('A', msg);
        }
        toWire(s, msg, nh);
      };

      /** An ESP layer came back sealed: ESP in UDP if the SA says so, then the rest of the bundle. */
      const sealed = (s: Session, msg: Message): void => {
        const step = msg.get(bundleStep) ?? 0;
        const bundle = msg.get(bundleSas) as Spi | readonly Spi[];
        const sa = config.sad.outbound(typeof bundle === 'number' ? bundle : (bundle[step] as Spi));
        let nh: number = sa?.protocol === 'ah' ? NextHeader.AH : NextHeader.ESP;
        const encap = sa?.protocol === 'esp' ? sa.udpEncapsulation : undefined;
        if (encap !== undefined) {
          // RFC 3948 §2.1; over IPv6 the UDP checksum is computed (a zero one is IPv4's privilege).
          writeUdp(msg.buffer, encap.sourcePort, encap.destinationPort, config.address, msg.get(remoteAddress) as Uint8Array);
          nh = NextHeader.UDP;
        }
        sealNext(s, msg, step + 1, nh);
      };

      /** Inbound: open the next layer (ESP through its SA's Protocol, AH here), or check the policy when none is left. */
      const openNext = (s: Session, msg: Message, nh: number, applied: number, depth: number): void => {
        const b = msg.buffer;
        const ip = msg.get(ipOffset) ?? 0;
        for (; nh === NextHeader.ESP || nh === NextHeader.AH; depth++) {
          if (depth >= MAX_NESTING) return drop(s, msg, 'esp-policy-violation');
          const ah = nh === NextHeader.AH;
          if (perLayer) {
            sel.remote = sel.local = b.bytes;
            sel.remoteAt = ip + SRC;
            sel.localAt = ip + DST;
            if (!config.spd.couldAccept(sel, applied * 4 + (ah ? 2 : 1), depth + 1)) return drop(s, msg, 'esp-policy-violation');
          }
          // AH covers the IP header as received: after an ESP layer was removed it no longer can.
          if (ah && applied !== 0) return drop(s, msg, 'esp-policy-violation');
          if (b.length < (ah ? 12 : 8)) return drop(s, msg, 'esp-truncated');
          const sa = config.sad.inbound(b.view.getUint32(b.start + (ah ? 4 : 0)), ah ? 'ah' : 'esp');
          if (sa === undefined) return drop(s, msg, 'esp-unknown-spi');
          msg.set(depth === 0 ? outerSa : innerSa, sa.spi);
          msg.set(appliedProtection, applied * 4 + (ah ? 2 : 1)).set(saKey, keyOf(s, sa));
          if (sa.mode === 'tunnel') msg.set(tunnelLayer, 1);
          msg.messenger = Open;
          return s.send('A', msg);
        }
        sel.remote = b.bytes;
        sel.remoteAt = ip + SRC;
        sel.local = b.bytes;
        sel.localAt = ip + DST;
        sel.nextHeader = nh;
        sel.tag = undefined;
        ports(msg, true);
        if (!config.spd.accepts(sel, applied)) return drop(s, msg, 'esp-policy-violation');
        msg.set(nextHeader, nh).set(appliedProtection, applied);
        msg.messenger = Deliver;
        s.send('B', msg);
      };

      const state: State = {
        name: 'ipsec-policy',
        accept(s, msg, from) {
          const b = msg.buffer;
          if (from === 'B') {
            const dst = msg.get(remoteAddress);
            if (dst === undefined) return s.drop(msg, 'ipv6-no-destination');
            sel.remote = dst;
            sel.remoteAt = 0;
            sel.local = config.address;
            sel.localAt = 0;
            sel.nextHeader = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
            sel.tag = msg.get(protectionTag);
            ports(msg, false);
            const rule = config.spd.matchOutbound(sel);
            const action = rule?.action ?? config.spd.defaultOutbound;
            if (action === 'bypass') return toWire(s, msg, sel.nextHeader);
            if (rule === undefined || rule.action !== 'protect') return drop(s, msg, 'ipsec-discard');
            msg.set(bundleSas, rule.sa);
            return sealNext(s, msg, 0, sel.nextHeader);
          }
          const m = msg.messenger;
          if (m === Sealed) return sealed(s, msg);
          if (m === Opened) {
            const depth = msg.get(innerSa) === undefined ? 1 : 2;
            let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
            if (msg.get(tunnelLayer) === 1) {
              // Tunnel mode: what the SA opened must be an IPv6 packet for this host; its headers are then the packet's.
              if (nh !== NextHeader.IPV6 || checkIpv6Header(b) !== null || !addressEquals(b.bytes, b.start + DST, config.address)) return drop(s, msg, 'esp-policy-violation');
              const at = b.start;
              b.pull(40);
              if (walkExtensionHeaders(b, b.bytes[at + 6] as number, walk) !== null) return drop(s, msg, 'esp-policy-violation');
              // An inner fragment would need reassembly above Fragment, which this layer does not do (a gateway forwards them).
              if (walk.nextHeader === NextHeader.FRAGMENT) return drop(s, msg, 'esp-inner-fragment');
              nh = walk.nextHeader;
              msg.set(ipOffset, at).set(tunnelLayer, 0);
            }
            return openNext(s, msg, nh, msg.get(appliedProtection) ?? 0, depth);
          }
          let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
          // ESP in UDP (RFC 3948 §2.2): port 4500, and a first word that is not zero (zero marks IKE).
          if (nh === NextHeader.UDP && b.length >= 9 && b.view.getUint16(b.start + 2) === natTraversalPort) {
            if (b.length === 9 && b.bytes[b.start + 8] === 0xff) return s.drop(msg, 'nat-keepalive');
            if (b.length >= 12 && b.view.getUint32(b.start + 8) !== 0) {
              if (checkUdp(b, msg.get(ipOffset) ?? 0) !== null) return drop(s, msg, 'udp-encap-bad-checksum');
              b.pull(8);
              nh = NextHeader.ESP;
            }
          }
          openNext(s, msg, nh, 0, 0);
        },
      };
      const policy = g.session('ipsec-policy', { initial: state });
      g.connect(policy.a, sas.mux.a);
      return { a: sas.wire.b, b: policy.b };
    }),
  };
}

