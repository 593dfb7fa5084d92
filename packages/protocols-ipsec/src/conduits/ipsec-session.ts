/**
 * The host's IPsec layer (Java Conduits §4.2, Figure 7): above IP (after reassembly), below
 * the upper-layer protocols. Inbound, it strips ESP (nested up to a limit), decorates the
 * packet with the protections applied, then checks them against the inbound policy.
 * Outbound, the SPD selects PROTECT (with an SA), BYPASS or DISCARD.
 */
import { attribute, Session, type Message, type State } from '@conduits/core';
import { checkUdp, DST, ipOffset, nextHeader, NextHeader, remoteAddress, SRC, writeUdp } from '@conduits/protocols-inet';
import { Subject, type Observable } from 'rxjs';
import { ahProtect, ahVerify } from '../ah.js';
import { espSecurityRelevant, type EspDropReason } from '../esp-drop-reasons.js';
import type { SecurityAssociationDatabase } from '../sad.js';
import type { LifetimeEvent, SecurityAssociation, Spi } from '../security-association.js';
import type { PacketSelectors, SecurityPolicyDatabase } from '../spd.js';

/** Set by a protocol or application above to choose outgoing protection by tag (SPD `Selector.tag`). */
export const protectionTag = attribute<string>('ipsec.tag', 'stack');

/** Protections applied to an arriving packet, as a `protectionCode` number (outermost first). */
export const appliedProtection = attribute<number>('ipsec.applied', 'stack');

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
  readonly session: Session;
  readonly events$: Observable<SaEvent>;
}

/** The NAT-traversal port ESP in UDP arrives on (RFC 3948). */
export const natTraversalPort = 4500;

export function ipsecLayer(config: IpsecConfig): IpsecLayer {
  const events = new Subject<SaEvent>();
  const sel: PacketSelectors = { remote: new Uint8Array(16), remoteAt: 0, local: new Uint8Array(16), localAt: 0, nextHeader: 0, remotePort: 0, localPort: 0 };
  const wired = new WeakSet<SecurityAssociation>();
  let timerSet = false;

  const watch = (s: Session, sa: SecurityAssociation): void => {
    if (wired.has(sa)) return;
    wired.add(sa);
    sa.onLifetime = (x, e) => events.next({ kind: 'lifetime', sa: x, event: e, time: s.graph.scheduler.now() });
    if (!timerSet) {
      timerSet = true;
      const sch = s.graph.scheduler;
      sch.unref(sch.every(config.lifetimeCheck ?? 1000, () => {
        for (const a of config.sad.all()) a.checkTime(sch.now());
      }));
    }
  };

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

  const state: State = {
    name: 'ipsec',
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
        if (action === 'bypass') return s.send('A', msg);
        if (rule === undefined || rule.action !== 'protect') return drop(s, msg, 'ipsec-discard');
        // A bundle applies its SAs inner first (RFC 4301 §4.5): [esp, ah] gives AH outside ESP.
        const bundle = rule.sa;
        const n = typeof bundle === 'number' ? 1 : bundle.length;
        let nh = sel.nextHeader;
        for (let k = 0; k < n; k++) {
          const id = typeof bundle === 'number' ? bundle : (bundle[k] as Spi);
          const sa = config.sad.outbound(id);
          if (sa === undefined) {
            events.next({ kind: 'acquire', spi: id, time: s.graph.scheduler.now() });
            return drop(s, msg, 'esp-no-sa');
          }
          watch(s, sa);
          const r = sa.protocol === 'ah' ? ahProtect(sa, b, nh, config.address, dst) : sa.encapsulate(b, nh);
          if (r !== null) return drop(s, msg, r);
          nh = sa.protocol === 'ah' ? NextHeader.AH : NextHeader.ESP;
          const encap = sa.udpEncapsulation;
          if (encap !== undefined && sa.protocol === 'esp') {
            // RFC 3948 §2.1; over IPv6 the UDP checksum is computed (a zero one is IPv4's privilege).
            writeUdp(b, encap.sourcePort, encap.destinationPort, config.address, dst);
            nh = NextHeader.UDP;
          }
        }
        msg.set(nextHeader, nh);
        return s.send('A', msg);
      }
      let applied = 0;
      let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
      const ip = msg.get(ipOffset) ?? 0;
      // ESP in UDP (RFC 3948 §2.2): port 4500, and a first word that is not zero (zero marks IKE).
      if (nh === NextHeader.UDP && b.length >= 9 && b.view.getUint16(b.start + 2) === natTraversalPort) {
        if (b.length === 9 && b.bytes[b.start + 8] === 0xff) return s.drop(msg, 'nat-keepalive');
        if (b.length >= 12 && b.view.getUint32(b.start + 8) !== 0) {
          if (checkUdp(b, ip) !== null) return drop(s, msg, 'udp-encap-bad-checksum');
          b.pull(8);
          nh = NextHeader.ESP;
        }
      }
      const perLayer = config.placement === 'per-layer';
      if (perLayer) {
        sel.remote = sel.local = b.bytes;
        sel.remoteAt = ip + SRC;
        sel.localAt = ip + DST;
      }
      for (let depth = 0; nh === NextHeader.ESP || nh === NextHeader.AH; depth++) {
        if (depth >= MAX_NESTING) return drop(s, msg, 'esp-policy-violation');
        const ah = nh === NextHeader.AH;
        if (perLayer && !config.spd.couldAccept(sel, applied * 4 + (ah ? 2 : 1), depth + 1)) return drop(s, msg, 'esp-policy-violation');
        // AH covers the IP header as received: after an ESP layer was removed it no longer can.
        if (ah && applied !== 0) return drop(s, msg, 'esp-policy-violation');
        if (b.length < (ah ? 12 : 8)) return drop(s, msg, 'esp-truncated');
        const sa = config.sad.inbound(b.view.getUint32(b.start + (ah ? 4 : 0)), ah ? 'ah' : 'esp');
        if (sa === undefined) return drop(s, msg, 'esp-unknown-spi');
        watch(s, sa);
        const r = ah ? ahVerify(sa, b, ip) : sa.decapsulate(b);
        if (typeof r === 'string') return drop(s, msg, r);
        nh = r;
        applied = applied * 4 + (ah ? 2 : 1);
      }
      sel.remote = b.bytes;
      sel.remoteAt = ip + SRC;
      sel.local = b.bytes;
      sel.localAt = ip + DST;
      sel.nextHeader = nh;
      sel.tag = undefined;
      ports(msg, true);
      if (!config.spd.accepts(sel, applied)) return drop(s, msg, 'esp-policy-violation');
      msg.set(nextHeader, nh);
      msg.set(appliedProtection, applied);
      s.send('B', msg);
    },
  };
  return { session: new Session('ipsec', { initial: state }), events$: events.asObservable() };
}
