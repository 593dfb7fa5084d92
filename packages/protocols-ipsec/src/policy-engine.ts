/**
 * The IPsec policy decisions, one engine for the host's layer (Figure 7) and the gateway
 * (Figure 8): what to do with an outgoing packet (the SPD's PROTECT with a bundle, BYPASS or
 * DISCARD, ACQUIRE when an SA is missing), and whether an arriving packet may pass — RFC 4301
 * §5.2: the packet an SA opened (the inner one in tunnel mode) must match that SA's selectors,
 * and the protections applied must be ones the inbound SPD accepts; RFC 4303 §2.6: a dummy
 * packet is discarded quietly. The policy sessions only move packets; they ask this.
 */
import { attribute, type Message, type Session } from '@conduits/core';
import type { PacketBuffer } from '@conduits/core/codec';
import { NextHeader } from '@conduits/protocols-inet';
import { DST, SRC } from '@conduits/protocols-inet/codec';
import { Subject, type Observable } from 'rxjs';
import { espSecurityRelevant, type EspDropReason } from './esp-drop-reasons.js';
import type { SecurityAssociationDatabase } from './sad.js';
import { spi as toSpi, type SecurityAssociation, type Spi } from './security-association.js';
import { matches, type PacketSelectors, type SecurityPolicyDatabase } from './spd.js';

/** The SA that opened the outermost layer of an arriving packet (the selectors are checked against it). */
export const openedOuter = attribute<SecurityAssociation>('ipsec.openedOuter', 'stack');
/** The SA that opened the inner layer, when there were two. */
export const openedInner = attribute<SecurityAssociation>('ipsec.openedInner', 'stack');

/** A PROTECT rule named an SA (or a bundle) the SAD does not hold: a key manager should negotiate one (RFC 4301 §5.1, ACQUIRE). */
export interface AcquireEvent {
  readonly kind: 'acquire';
  /** The missing SA; 0 when the bundle itself is not defined. */
  readonly spi: Spi;
  /** The bundle the rule named, if it named one. */
  readonly bundle?: string;
  readonly time: number;
}

/** Outbound: pass in clear, drop, no SA to protect with (ACQUIRE raised), or the SPIs to apply (inner first). */
export type OutboundDecision = 'bypass' | 'discard' | 'no-sa' | Spi | readonly Spi[];

/** A fresh selector record, to be reused for every packet of one policy session. */
export function packetSelectors(): PacketSelectors {
  return {
    remote: new Uint8Array(16),
    remoteAt: 0,
    local: new Uint8Array(16),
    localAt: 0,
    nextHeader: 0,
    remotePort: -1,
    localPort: -1,
  };
}

/** The addresses of the IPv6 header at `ip` in `bytes`: arriving, its source is the remote end. */
export function readAddresses(
  sel: PacketSelectors,
  bytes: Uint8Array,
  ip: number,
  inbound: boolean,
): void {
  sel.remote = sel.local = bytes;
  sel.remoteAt = ip + (inbound ? SRC : DST);
  sel.localAt = ip + (inbound ? DST : SRC);
}

/** The ports of a UDP or TCP header at `at` (`sel.nextHeader` set first); -1 when there are none. */
export function readPorts(
  sel: PacketSelectors,
  b: PacketBuffer,
  at: number,
  remoteFirst: boolean,
): void {
  if ((sel.nextHeader === NextHeader.UDP || sel.nextHeader === NextHeader.TCP) && b.end >= at + 4) {
    const first = b.view.getUint16(at);
    const second = b.view.getUint16(at + 2);
    sel.remotePort = remoteFirst ? first : second;
    sel.localPort = remoteFirst ? second : first;
  } else sel.remotePort = sel.localPort = -1;
}

export class PolicyEngine {
  readonly sad: SecurityAssociationDatabase;
  readonly spd: SecurityPolicyDatabase;
  readonly #acquire = new Subject<AcquireEvent>();

  constructor(sad: SecurityAssociationDatabase, spd: SecurityPolicyDatabase) {
    this.sad = sad;
    this.spd = spd;
  }

  get acquire$(): Observable<AcquireEvent> {
    return this.#acquire.asObservable();
  }

  /** The outbound policy for a packet; a named bundle is resolved through the SAD (so rekeying is repointing it). */
  outbound(sel: PacketSelectors, time: number): OutboundDecision {
    const rule = this.spd.matchOutbound(sel);
    if (rule === undefined) return this.spd.defaultOutbound;
    if (rule.action !== 'protect') return rule.action;
    if ('sa' in rule) return rule.sa;
    const spis = this.sad.bundle(rule.bundle);
    if (spis === undefined || spis.length === 0) {
      this.#acquire.next({ kind: 'acquire', spi: toSpi(0), bundle: rule.bundle, time });
      return 'no-sa';
    }
    return spis;
  }

  /** The outbound SA `id` of a bundle, or undefined after raising ACQUIRE for it. */
  outboundSa(id: Spi, time: number): SecurityAssociation | undefined {
    const sa = this.sad.outbound(id);
    if (sa === undefined) this.#acquire.next({ kind: 'acquire', spi: id, time });
    return sa;
  }

  /**
   * An arriving packet after every IPsec layer was removed: `sel` describes it (the inner
   * packet in tunnel mode), `applied` is its protections' code (innermost in the low bits),
   * `outer` / `inner` the SAs that opened them. Null: deliver it.
   */
  inbound(
    sel: PacketSelectors,
    applied: number,
    outer: SecurityAssociation | undefined,
    inner: SecurityAssociation | undefined,
  ): EspDropReason | null {
    // RFC 4303 §2.6: traffic-flow padding, authenticated like any packet, then thrown away.
    if (sel.nextHeader === NextHeader.NO_NEXT_HEADER && applied % 4 === 1) return 'esp-dummy';
    // RFC 4301 §5.2 step 4: only traffic the SA was made for (a peer's SA cannot carry another peer's packets).
    if (outer?.selector !== undefined && !matches(outer.selector, sel))
      return 'esp-selector-mismatch';
    if (inner?.selector !== undefined && !matches(inner.selector, sel))
      return 'esp-selector-mismatch';
    return this.spd.accepts(sel, applied) ? null : 'esp-policy-violation';
  }

  /** For the per-layer placement: could a packet from these addresses, with `depth` layers coded `prefix` so far, still be accepted? */
  couldAccept(sel: PacketSelectors, prefix: number, depth: number): boolean {
    return this.spd.couldAccept(sel, prefix, depth);
  }

  /** Drop by reason, with a security alert where the reason is one. */
  drop(s: Session, msg: Message, reason: EspDropReason): void {
    s.drop(msg, reason, espSecurityRelevant.has(reason));
  }
}
