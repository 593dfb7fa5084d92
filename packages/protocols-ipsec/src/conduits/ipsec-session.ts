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
import {
  attribute,
  Deliver,
  Protocol,
  type Graph,
  type Message,
  type ProtocolDefinition,
  type Session,
  type State,
} from '@conduits/core';
import {
  addressEquals,
  ipOffset,
  nextHeader,
  NextHeader,
  remoteAddress,
} from '@conduits/protocols-inet';
import {
  checkIpv6Header,
  checkUdp,
  DST,
  walkExtensionHeaders,
  writeIpv6Header,
  writeUdp,
} from '@conduits/protocols-inet/codec';
import { filter, map, merge, type Observable } from 'rxjs';
import type { EspDropReason } from '../esp-drop-reasons.js';
import {
  openedInner,
  openedOuter,
  packetSelectors,
  PolicyEngine,
  readAddresses,
  readPorts,
  type AcquireEvent,
} from '../policy-engine.js';
import type { SecurityAssociationDatabase } from '../sad.js';
import type { LifetimeEvent, SecurityAssociation, Spi } from '../security-association.js';
import type { SecurityPolicyDatabase } from '../spd.js';
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

/** A packet encrypted more deeply than this is refused: multiply encrypted packets cost CPU (§4.2). */
export const MAX_NESTING = 2;

export interface IpsecConfig {
  /** The SAD; the layer runs its SAs' lifetimes on the scheduler of the graph it is built into (`sad.useScheduler`). */
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
  /** @deprecated Ignored: the SAD sets a timer at each SA's lifetime itself. */
  readonly lifetimeCheck?: number;
}

export type SaEvent =
  /** A lifetime crossed (the SAD's `soft-expiry` / `hard-expiry`, for any SA it holds, used or not). */
  | {
      readonly kind: 'lifetime';
      readonly sa: SecurityAssociation;
      readonly event: LifetimeEvent;
      readonly time: number;
    }
  | AcquireEvent;

export interface IpsecLayer {
  /** The layer as one conduit: put it between Fragment (side A) and the next-header Mux (side B). */
  readonly conduit: Protocol;
  readonly events$: Observable<SaEvent>;
  /** The policy decisions the layer's sessions ask (shared with nothing else; the gateway has its own). */
  readonly engine: PolicyEngine;
}

/** The NAT-traversal port ESP in UDP arrives on (RFC 3948). */
export const natTraversalPort = 4500;

/**
 * A Protocol that gives its SAD the graph's scheduler when it joins a graph, so the SAs'
 * lifetimes run from their creation on that clock (not from a first packet).
 */
class IpsecLayerProtocol extends Protocol {
  readonly #define: ProtocolDefinition;
  readonly #sad: SecurityAssociationDatabase;

  constructor(name: string, define: ProtocolDefinition, sad: SecurityAssociationDatabase) {
    super(name, define);
    this.#define = define;
    this.#sad = sad;
  }

  override clone(): Protocol {
    return new IpsecLayerProtocol(this.name, this.#define, this.#sad);
  }

  override attach(graph: Graph, parent: Protocol | null): void {
    super.attach(graph, parent);
    this.#sad.useScheduler(graph.scheduler);
  }
}

export function ipsecLayer(config: IpsecConfig): IpsecLayer {
  const engine = new PolicyEngine(config.sad, config.spd);
  const lifetimes = config.sad.events$.pipe(
    filter((e) => e.kind === 'soft-expiry' || e.kind === 'hard-expiry'),
    map((e): SaEvent => ({
      kind: 'lifetime',
      sa: e.sa,
      event: e.kind === 'soft-expiry' ? 'soft' : 'hard',
      time: e.time,
    })),
  );
  return {
    engine,
    events$: merge(engine.acquire$, lifetimes),
    conduit: new IpsecLayerProtocol(
      'ipsec',
      (g) => {
        const sas = new SaMux(g, config.sad);
        // Each instance (the Protocol and every clone) has its own policy object: nothing is shared but the SAD, SPD and engine.
        const policy = g.session<HostPolicy>('ipsec-policy', {
          initial: hostPolicyState,
          data: () => new HostPolicy(config, engine, sas),
        });
        g.connect(policy.a, sas.mux.a);
        return { a: sas.wire.b, b: policy.b };
      },
      config.sad,
    ),
  };
}

/** The policy session's state: it only tells the messages apart; the HostPolicy acts. */
const hostPolicyState: State<HostPolicy> = {
  name: 'ipsec-policy',
  accept(s, msg, from) {
    const p = s.data;
    if (from === 'B') return p.outbound(s, msg);
    const m = msg.messenger;
    if (m === Sealed) return p.sealed(s, msg);
    if (m === Opened) {
      const depth = msg.get(innerSa) === undefined ? 1 : 2;
      return p.openNext(
        s,
        msg,
        msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER,
        msg.get(appliedProtection) ?? 0,
        depth,
      );
    }
    p.arrived(s, msg);
  },
};

/**
 * The host layer's policy session data (one per layer instance): outbound, the SPD's choice
 * and the bundle's SAs applied one after the other; inbound, each layer sent to its SA and
 * the opened packet checked by the policy engine.
 */
class HostPolicy {
  readonly #config: IpsecConfig;
  readonly #engine: PolicyEngine;
  readonly #sas: SaMux;
  readonly #perLayer: boolean;
  /** Reused for every packet. */
  readonly #sel = packetSelectors();
  readonly #walk = { nextHeader: 0 };

  constructor(config: IpsecConfig, engine: PolicyEngine, sas: SaMux) {
    this.#config = config;
    this.#engine = engine;
    this.#sas = sas;
    this.#perLayer = config.placement === 'per-layer';
  }

  /** From the upper layers: the outbound policy. */
  outbound(s: Session<HostPolicy>, msg: Message): void {
    const sel = this.#sel;
    const dst = msg.get(remoteAddress);
    if (dst === undefined) return s.drop(msg, 'ipv6-no-destination');
    sel.remote = dst;
    sel.remoteAt = 0;
    sel.local = this.#config.address;
    sel.localAt = 0;
    sel.nextHeader = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
    sel.tag = msg.get(protectionTag);
    readPorts(sel, msg.buffer, msg.buffer.start, false);
    const d = this.#engine.outbound(sel, s.graph.scheduler.now());
    if (d === 'bypass') return this.#toWire(s, msg, sel.nextHeader);
    if (d === 'discard') return this.#drop(s, msg, 'ipsec-discard');
    if (d === 'no-sa') return this.#drop(s, msg, 'esp-no-sa');
    msg.set(bundleSas, d);
    this.#sealNext(s, msg, 0, sel.nextHeader);
  }

  /** An ESP layer came back sealed: ESP in UDP if the SA says so, then the rest of the bundle. */
  sealed(s: Session<HostPolicy>, msg: Message): void {
    const step = msg.get(bundleStep) ?? 0;
    const bundle = msg.get(bundleSas) as Spi | readonly Spi[];
    const sa = this.#config.sad.outbound(
      typeof bundle === 'number' ? bundle : (bundle[step] as Spi),
    );
    let nh: number = sa?.protocol === 'ah' ? NextHeader.AH : NextHeader.ESP;
    const encap = sa?.protocol === 'esp' ? sa.udpEncapsulation : undefined;
    if (encap !== undefined) {
      // RFC 3948 §2.1; over IPv6 the UDP checksum is computed (a zero one is IPv4's privilege).
      writeUdp(
        msg.buffer,
        encap.sourcePort,
        encap.destinationPort,
        this.#config.address,
        msg.get(remoteAddress) as Uint8Array,
      );
      nh = NextHeader.UDP;
    }
    this.#sealNext(s, msg, step + 1, nh);
  }

  /** From the wire: ESP in UDP unwrapped, then the layers opened. */
  arrived(s: Session<HostPolicy>, msg: Message): void {
    const b = msg.buffer;
    let nh = msg.get(nextHeader) ?? NextHeader.NO_NEXT_HEADER;
    // ESP in UDP (RFC 3948 §2.2): port 4500, and a first word that is not zero (zero marks IKE).
    if (
      nh === NextHeader.UDP &&
      b.length >= 9 &&
      b.view.getUint16(b.start + 2) === natTraversalPort
    ) {
      if (b.length === 9 && b.bytes[b.start + 8] === 0xff) return s.drop(msg, 'nat-keepalive');
      if (b.length >= 12 && b.view.getUint32(b.start + 8) !== 0) {
        if (checkUdp(b, msg.get(ipOffset) ?? 0) !== null)
          return this.#drop(s, msg, 'udp-encap-bad-checksum');
        b.pull(8);
        nh = NextHeader.ESP;
      }
    }
    this.openNext(s, msg, nh, 0, 0);
  }

  /** Inbound: open the next layer (through its SA's Protocol), or check the policy when none is left. */
  openNext(s: Session<HostPolicy>, msg: Message, nh: number, applied: number, depth: number): void {
    const b = msg.buffer;
    const sel = this.#sel;
    const ip = msg.get(ipOffset) ?? 0;
    for (; nh === NextHeader.ESP || nh === NextHeader.AH; depth++) {
      if (depth >= MAX_NESTING) return this.#drop(s, msg, 'esp-policy-violation');
      const ah = nh === NextHeader.AH;
      if (this.#perLayer) {
        readAddresses(sel, b.bytes, ip, true);
        if (!this.#engine.couldAccept(sel, applied * 4 + (ah ? 2 : 1), depth + 1))
          return this.#drop(s, msg, 'esp-policy-violation');
      }
      // AH covers the IP header as received: after an ESP layer was removed it no longer can.
      if (ah && applied !== 0) return this.#drop(s, msg, 'esp-policy-violation');
      if (b.length < (ah ? 12 : 8)) return this.#drop(s, msg, 'esp-truncated');
      const sa = this.#config.sad.inbound(
        b.view.getUint32(b.start + (ah ? 4 : 0)),
        ah ? 'ah' : 'esp',
      );
      if (sa === undefined) return this.#drop(s, msg, 'esp-unknown-spi');
      msg
        .set(depth === 0 ? outerSa : innerSa, sa.spi)
        .set(depth === 0 ? openedOuter : openedInner, sa);
      msg.set(appliedProtection, applied * 4 + (ah ? 2 : 1)).set(saKey, this.#sas.keyOf(s, sa));
      msg.messenger = Open;
      return s.send('A', msg);
    }
    const outer = msg.get(openedOuter);
    sel.tag = undefined;
    if (outer?.mode === 'tunnel') {
      // Tunnel mode: what the SA opened must be an IPv6 packet for this host; its headers are then the packet's,
      // and the SA's selectors and the policy judge it (RFC 4301 §5.2).
      if (
        nh !== NextHeader.IPV6 ||
        checkIpv6Header(b) !== null ||
        !addressEquals(b.bytes, b.start + DST, this.#config.address)
      )
        return this.#drop(s, msg, 'esp-policy-violation');
      readAddresses(sel, b.bytes, b.start, true);
      const at = b.start;
      b.pull(40);
      if (walkExtensionHeaders(b, b.bytes[at + 6] as number, this.#walk) !== null)
        return this.#drop(s, msg, 'esp-policy-violation');
      // An inner fragment would need reassembly above Fragment, which this layer does not do (a gateway forwards them).
      if (this.#walk.nextHeader === NextHeader.FRAGMENT)
        return this.#drop(s, msg, 'esp-inner-fragment');
      nh = this.#walk.nextHeader;
      msg.set(ipOffset, at);
      sel.nextHeader = nh;
      readPorts(sel, b, b.start, true);
    } else {
      readAddresses(sel, b.bytes, ip, true);
      sel.nextHeader = nh;
      readPorts(sel, b, b.start, true);
    }
    const r = this.#engine.inbound(sel, applied, outer, msg.get(openedInner));
    if (r !== null) return this.#drop(s, msg, r);
    msg.set(nextHeader, nh).set(appliedProtection, applied);
    msg.messenger = Deliver;
    s.send('B', msg);
  }

  /** Outbound: apply the bundle's SA number `step` (inner first), or send the packet out when all are applied. */
  #sealNext(s: Session<HostPolicy>, msg: Message, step: number, nh: number): void {
    const bundle = msg.get(bundleSas) as Spi | readonly Spi[];
    const n = typeof bundle === 'number' ? 1 : bundle.length;
    for (let k = step; k < n; k++) {
      const id = typeof bundle === 'number' ? bundle : (bundle[k] as Spi);
      const sa = this.#engine.outboundSa(id, s.graph.scheduler.now());
      if (sa === undefined) return this.#drop(s, msg, 'esp-no-sa');
      if (sa.mode === 'tunnel') {
        // RFC 4301 §5.1.2.1: the whole packet goes inside, from this host to its destination; the outer one goes to the tunnel's far end.
        writeIpv6Header(
          msg.buffer,
          nh,
          64,
          this.#config.address,
          msg.get(remoteAddress) as Uint8Array,
        );
        nh = NextHeader.IPV6;
        if (sa.destination !== undefined) msg.set(remoteAddress, sa.destination);
      }
      // Up into the SA's Protocol; it comes back Sealed and the bundle goes on from k + 1.
      if (sa.protocol === 'ah') msg.set(ahSource, this.#config.address);
      msg.set(nextHeader, nh).set(bundleStep, k).set(saKey, this.#sas.keyOf(s, sa));
      msg.messenger = Seal;
      return s.send('A', msg);
    }
    this.#toWire(s, msg, nh);
  }

  /** To Fragment (side A of the layer) through the wire. */
  #toWire(s: Session<HostPolicy>, msg: Message, nh: number): void {
    msg.set(nextHeader, nh).set(saKey, 0);
    msg.messenger = Deliver;
    s.send('A', msg);
  }

  #drop(s: Session<HostPolicy>, msg: Message, r: EspDropReason): void {
    this.#engine.drop(s, msg, r);
  }
}
