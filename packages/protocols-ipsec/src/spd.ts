/**
 * The Security Policy Database (RFC 4301 §4.4.1): ordered rules on selectors (addresses with
 * prefixes, next-layer protocol, ports). Outbound: PROTECT with an SA, BYPASS or DISCARD.
 * Inbound: which protections a packet matching the selectors must have had, as in the
 * paper's example (§4.2): accept none, AH, or AH+ESP; refuse ESP alone and double AH.
 *
 * A PROTECT rule names an SA bundle of the SAD (`bundle: 'to-b'`) rather than SPIs, so a key
 * manager rekeys by installing the new SA, repointing the bundle and deleting the old SA,
 * without touching the SPD; `replace` and `remove` change named rules in place.
 */
import type { Ipv6Address } from '@conduits/protocols-inet';
import type { Spi } from './security-association.js';

export interface AddressRange {
  readonly address: Ipv6Address;
  /** Prefix length in bits, 0..128. */
  readonly prefix: number;
}

export interface Selector {
  /** A tag set on the message above (the `protectionTag` stack attribute): outbound only (§4.2: "tags attached to the message earlier in the protocol stack"). */
  readonly tag?: string;
  readonly remote?: AddressRange;
  readonly local?: AddressRange;
  readonly nextHeader?: number;
  readonly remotePort?: number;
  readonly localPort?: number;
}

/** Protections applied to a packet, outermost first. */
export type Protection = readonly ('ah' | 'esp')[];

export type OutboundRule =
  /** `bundle`: the name of an SA bundle in the SAD (`sad.setBundle`), its SAs applied inner first. */
  | {
      readonly name?: string;
      readonly selector: Selector;
      readonly action: 'protect';
      readonly bundle: string;
    }
  /** `sa`: one SA, or a bundle applied inner first ([esp, ah] puts AH outside ESP), by SPI. */
  | {
      readonly name?: string;
      readonly selector: Selector;
      readonly action: 'protect';
      readonly sa: Spi | readonly Spi[];
    }
  | { readonly name?: string; readonly selector: Selector; readonly action: 'bypass' | 'discard' };

export interface InboundRule {
  /** Lets `replace` / `remove` find the rule. */
  readonly name?: string;
  readonly selector: Selector;
  /** Acceptable protections; `[]` in the list accepts unprotected packets. */
  readonly accept: readonly Protection[];
}

/** The values a packet presents to the SPD. Reused per packet: no allocation. */
export interface PacketSelectors {
  /** The message's protection tag, if any (outbound). */
  tag?: string | undefined;
  remote: Uint8Array;
  remoteAt: number;
  local: Uint8Array;
  localAt: number;
  nextHeader: number;
  remotePort: number;
  localPort: number;
}

/** Protections as one number (2 bits a layer, outermost first): cheap to carry in a stack attribute. */
export function protectionCode(p: Protection): number {
  let c = 0;
  for (const x of p) c = c * 4 + (x === 'esp' ? 1 : 2);
  return c;
}

function inRange(r: AddressRange | undefined, bytes: Uint8Array, at: number): boolean {
  if (r === undefined) return true;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[at + i] as number) & mask) !== ((r.address[i] as number) & mask)) return false;
  }
  return true;
}

export function matches(s: Selector, p: PacketSelectors): boolean {
  return (
    (s.tag === undefined || s.tag === p.tag) &&
    (s.nextHeader === undefined || s.nextHeader === p.nextHeader) &&
    (s.remotePort === undefined || s.remotePort === p.remotePort) &&
    (s.localPort === undefined || s.localPort === p.localPort) &&
    inRange(s.remote, p.remote, p.remoteAt) &&
    inRange(s.local, p.local, p.localAt)
  );
}

export class SecurityPolicyDatabase {
  readonly outbound: OutboundRule[] = [];
  readonly inbound: InboundRule[] = [];
  /** What happens to packets no rule matches (RFC 4301 §4.4.1: the SPD must be complete). @default 'discard' */
  defaultOutbound: 'bypass' | 'discard' = 'discard';
  defaultInbound: readonly Protection[] = [];

  addOutbound(rule: OutboundRule): this {
    this.outbound.push(rule);
    return this;
  }

  addInbound(rule: InboundRule): this {
    this.inbound.push(rule);
    return this;
  }

  /**
   * Put `rule` where the rule named `name` (or that rule object) stands, keeping the order;
   * the list is the one `rule` belongs to (outbound rules have an action). False when no such rule.
   */
  replace(old: string | OutboundRule | InboundRule, rule: OutboundRule | InboundRule): boolean {
    const list: (OutboundRule | InboundRule)[] = 'action' in rule ? this.outbound : this.inbound;
    const i = list.findIndex((r) => (typeof old === 'string' ? r.name === old : r === old));
    if (i < 0) return false;
    list[i] = rule;
    return true;
  }

  /** Remove the rule named `name` (or that rule object) from whichever list holds it. */
  remove(old: string | OutboundRule | InboundRule): boolean {
    for (const list of [this.outbound, this.inbound] as (OutboundRule | InboundRule)[][]) {
      const i = list.findIndex((r) => (typeof old === 'string' ? r.name === old : r === old));
      if (i >= 0) {
        list.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  matchOutbound(p: PacketSelectors): OutboundRule | undefined {
    for (const r of this.outbound) if (matches(r.selector, p)) return r;
    return undefined;
  }

  /** The acceptable protections for an arriving packet. */
  acceptable(p: PacketSelectors): readonly Protection[] {
    for (const r of this.inbound) if (matches(r.selector, p)) return r.accept;
    return this.defaultInbound;
  }

  /**
   * For the per-layer placement (§4.2's alternative): could a packet from these addresses,
   * with `depth` protections whose code is `prefix` removed so far, still be acceptable?
   * Protocol and ports are not known yet, so every rule the addresses match is considered.
   */
  couldAccept(p: PacketSelectors, prefix: number, depth: number): boolean {
    const any = (list: readonly Protection[]): boolean =>
      list.some((prot) => prot.length >= depth && protectionCode(prot.slice(0, depth)) === prefix);
    for (const r of this.inbound)
      if (
        inRange(r.selector.remote, p.remote, p.remoteAt) &&
        inRange(r.selector.local, p.local, p.localAt) &&
        any(r.accept)
      )
        return true;
    return any(this.defaultInbound);
  }

  /** Does the inbound policy accept a packet with these protections applied? */
  accepts(p: PacketSelectors, applied: number): boolean {
    for (const prot of this.acceptable(p)) if (protectionCode(prot) === applied) return true;
    return false;
  }
}
