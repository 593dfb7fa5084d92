/**
 * The policy manager, Java Conduits §4.3's "political layer" above ISAKMP: it decides whether
 * a new association may start (known peer, per-peer and total limits on half-open SAs
 * against floods), which child a Quick Mode may create (the tasks ask through the peer's
 * configuration), starts negotiations (at start, or on ACQUIRE from the IPsec layer), and
 * installs what Quick Mode negotiated into protocols-ipsec's SAD as named bundles that the
 * SPD's PROTECT rules point at. Events go out on `events$`; `status()` lists IKE SAs and
 * their children as `swanctl --list-sas` does.
 */
import { wipe } from '@conduits/crypto';
import { NextHeader, type Ipv6Address } from '@conduits/protocols-inet';
import {
  spi,
  type SaConfig,
  type SecurityAssociationDatabase,
  type SecurityPolicyDatabase,
} from '@conduits/protocols-ipsec';
import { Subject, type Observable } from 'rxjs';
import { ExchangeType, HeaderFlag } from '../codec/constants.js';
import type { IsakmpHeader } from '../codec/header.js';
import { hexOf } from '../codec/header.js';
import type { AssociationOwner, IsakmpAssociation } from '../sa/association.js';
import type { ChildSaResult } from '../tasks/quick-mode.js';
import { espSpec } from './algorithms.js';
import type { IkeConfig } from './config.js';
import { peerRuntime, type ChildRuntime, type PeerRuntime } from './peer-runtime.js';

export type IkeEvent =
  | {
      readonly kind: 'ike-up';
      readonly peer: string;
      readonly cookies: string;
      readonly time: number;
    }
  | {
      readonly kind: 'ike-down';
      readonly peer: string;
      readonly cookies: string;
      readonly reason: string;
      readonly time: number;
    }
  | {
      readonly kind: 'child-up';
      readonly peer: string;
      readonly child: string;
      readonly inbound: number;
      readonly outbound: number;
      readonly time: number;
    }
  | {
      readonly kind: 'child-failed';
      readonly peer: string;
      readonly child: string;
      readonly reason: string;
      readonly time: number;
    }
  | {
      readonly kind: 'child-deleted';
      readonly peer: string;
      readonly spis: readonly number[];
      readonly time: number;
    }
  | {
      readonly kind: 'refused';
      readonly peer: string;
      readonly reason: string;
      readonly time: number;
    }
  | {
      readonly kind: 'dropped';
      readonly peer: string;
      readonly reason: string;
      readonly security: boolean;
      readonly time: number;
    };

export interface ChildStatus {
  readonly name: string;
  readonly mode: 'tunnel' | 'transport';
  readonly spiIn: string;
  readonly spiOut: string;
  readonly local: string;
  readonly remote: string;
}
export interface IkeSaStatus {
  readonly peer: string;
  readonly role: 'initiator' | 'responder';
  readonly state: string;
  readonly cookies: string;
  readonly suite: string;
  readonly children: readonly ChildStatus[];
}

/** What the manager needs of the ISAKMP graph: start an association as initiator. */
export interface IsakmpStarter {
  initiate(peer: PeerRuntime, children: readonly ChildRuntime[]): IsakmpAssociation;
}

/** Reasons a drop is a security event (an alert), not just noise. */
const SECURITY = /hash-failed|invalid-cookie|unauthenticated|authentication|undecodable/;

export class PolicyManager implements AssociationOwner {
  readonly peers: readonly PeerRuntime[];
  readonly drops = new Map<string, number>();
  readonly #events = new Subject<IkeEvent>();
  readonly #sas = new Set<IsakmpAssociation>();
  readonly #halfOpen = new Map<string, number>();
  readonly #perPeer: number;
  readonly #total: number;
  #starter: IsakmpStarter | null = null;
  #now: () => number = () => 0;

  constructor(
    readonly config: IkeConfig,
    readonly ipsec: {
      readonly sad: SecurityAssociationDatabase;
      readonly spd: SecurityPolicyDatabase;
    },
  ) {
    this.peers = config.peers.map(peerRuntime);
    this.#perPeer = config.halfOpenPerPeer ?? 4;
    this.#total = config.halfOpenTotal ?? 64;
    this.#installPolicies();
  }

  get events$(): Observable<IkeEvent> {
    return this.#events.asObservable();
  }

  /** The ISAKMP graph registers itself (it is built after the manager). */
  bind(starter: IsakmpStarter, now: () => number): void {
    this.#starter = starter;
    this.#now = now;
  }

  /** Start children marked `start`. */
  startAll(): void {
    for (const p of this.peers) {
      const ch = p.children.filter((c) => c.config.start === 'start');
      if (ch.length) this.#negotiate(p, ch);
    }
  }

  /** Negotiate one child now (`start: 'none'` children, tests). */
  initiate(peerName: string, childName?: string): void {
    const p = this.peers.find((x) => x.config.name === peerName);
    if (!p) return;
    this.#negotiate(
      p,
      childName === undefined ? p.children : p.children.filter((c) => c.config.name === childName),
    );
  }

  /**
   * Close everything with a peer (`swanctl --terminate --ike`): an authenticated Delete for our
   * inbound IPsec SAs, then one for the ISAKMP SA; our SAs leave the SAD.
   */
  terminate(peerName: string): void {
    for (const sa of [...this.#sas]) {
      if (sa.peer.config.name !== peerName) continue;
      if (sa.state === 'established' && sa.children.length)
        sa.deleteChildren(sa.children.map((c) => c.inbound.spi));
      for (const c of sa.children) {
        this.ipsec.sad.delete('inbound', c.inbound.spi);
        this.ipsec.sad.delete('outbound', c.outbound.spi);
      }
      sa.delete();
    }
  }

  /** ACQUIRE from the IPsec layer: a PROTECT rule's bundle has no SA. */
  acquire(e: { readonly bundle?: string | undefined; readonly spi?: number }): void {
    // The engine names the bundle when it is undefined, or the missing SA of a bundle that names one.
    const named = (x: ChildRuntime) =>
      e.bundle !== undefined
        ? x.bundle === e.bundle
        : e.spi !== undefined &&
          (this.ipsec.sad.bundle(x.bundle)?.includes(e.spi as never) ?? false);
    for (const p of this.peers) {
      const c = p.children.find((x) => named(x) && (x.config.start ?? 'trap') === 'trap');
      if (c) return this.#negotiate(p, [c]);
    }
  }

  #pending = new Set<ChildRuntime>();
  #negotiate(p: PeerRuntime, children: readonly ChildRuntime[]): void {
    const todo = children.filter((c) => !this.#pending.has(c) && !this.#live(c));
    if (todo.length === 0 || this.#starter === null) return;
    for (const c of todo) this.#pending.add(c);
    const existing = [...this.#sas].find(
      (a) =>
        equal(a.peerAddress, p.address) &&
        (a.state === 'established' || (a.state === 'half-open' && a.role === 'initiator')),
    );
    if (existing) for (const c of todo) existing.negotiate(c);
    else this.#starter.initiate(p, todo);
  }

  /** The child's bundle names an outbound SA that exists. */
  #live(c: ChildRuntime): boolean {
    return (
      this.ipsec.sad.bundle(c.bundle)?.some((s) => this.ipsec.sad.outbound(s) !== undefined) ??
      false
    );
  }

  peerByAddress(a: Uint8Array): PeerRuntime | undefined {
    return this.peers.find((p) => equal(p.address, a));
  }

  /**
   * The factory asks: may a first Main Mode message from `from` start an association? Known
   * peers only, a first message only, and within the half-open limits.
   */
  admit(from: Ipv6Address, h: IsakmpHeader): boolean {
    const peer = hexOf(from);
    const refuse = (reason: string) => {
      this.#count(reason);
      this.#emit({ kind: 'refused', peer, reason, time: this.#now() });
      return false;
    };
    if (
      (h.exchangeType !== ExchangeType.IDENTITY_PROTECTION &&
        h.exchangeType !== ExchangeType.AGGRESSIVE) ||
      h.messageId !== 0 ||
      h.flags & HeaderFlag.ENCRYPTION ||
      h.responderCookie.some((b) => b !== 0)
    )
      return refuse('not-a-first-message');
    if (this.peerByAddress(from) === undefined) return refuse('unknown-peer');
    let total = 0;
    for (const n of this.#halfOpen.values()) total += n;
    if ((this.#halfOpen.get(peer) ?? 0) >= this.#perPeer) return refuse('half-open-per-peer');
    if (total >= this.#total) return refuse('half-open-total');
    this.#halfOpen.set(peer, (this.#halfOpen.get(peer) ?? 0) + 1);
    return true;
  }

  /** A responder association now exists for an admitted message (the half-open count moves to it). */
  adopt(sa: IsakmpAssociation): void {
    this.#sas.add(sa);
  }

  /** An initiator association. */
  track(sa: IsakmpAssociation): void {
    this.#sas.add(sa);
  }

  #releaseHalfOpen(sa: IsakmpAssociation): void {
    if (sa.role !== 'responder') return;
    const k = hexOf(sa.peerAddress);
    const n = (this.#halfOpen.get(k) ?? 1) - 1;
    if (n <= 0) this.#halfOpen.delete(k);
    else this.#halfOpen.set(k, n);
  }

  get halfOpen(): number {
    let total = 0;
    for (const n of this.#halfOpen.values()) total += n;
    return total;
  }

  established(sa: IsakmpAssociation): void {
    this.#releaseHalfOpen(sa);
    // One ISAKMP SA per peer: an older one is replaced.
    for (const other of this.#sas)
      if (other !== sa && equal(other.peerAddress, sa.peerAddress) && other.state === 'established')
        other.close('replaced');
    this.#emit({
      kind: 'ike-up',
      peer: sa.peer.config.name,
      cookies: `${hexOf(sa.ckyI)}_i ${hexOf(sa.ckyR)}_r`,
      time: this.#now(),
    });
  }

  childEstablished(sa: IsakmpAssociation, r: ChildSaResult): void {
    this.#pending.delete(r.child);
    const { transform, encryptionLength } = espSpec(r.suite);
    const sad = this.ipsec.sad;
    const hard = { time: r.suite.lifetime * 1000 };
    const soft = { time: r.suite.lifetime * 900 };
    const selector = r.mode === 'tunnel' ? { local: r.local, remote: r.remote } : undefined;
    const base = {
      protocol: 'esp' as const,
      mode: r.mode,
      transform,
      hardLifetime: hard,
      softLifetime: soft,
      ...(selector ? { selector } : {}),
      ...(sa.floated ? { udpEncapsulation: { sourcePort: 4500, destinationPort: 4500 } } : {}),
    };
    const keys = (k: Uint8Array) => ({
      encryptionKey: k.slice(0, encryptionLength),
      ...(k.length > encryptionLength ? { integrityKey: k.slice(encryptionLength) } : {}),
    });
    const inbound: SaConfig = {
      ...base,
      spi: r.inbound.spi,
      direction: 'inbound',
      source: sa.peerAddress,
      destination: sa.local,
      ...keys(r.inbound.keymat),
    };
    const outbound: SaConfig = {
      ...base,
      spi: r.outbound.spi,
      direction: 'outbound',
      source: sa.local,
      destination: sa.peerAddress,
      ...keys(r.outbound.keymat),
    };
    try {
      sad.create(inbound);
      sad.create(outbound);
      sad.setBundle(r.child.bundle, spi(r.outbound.spi));
    } finally {
      for (const c of [inbound, outbound]) {
        wipe(c.encryptionKey);
        if (c.integrityKey) wipe(c.integrityKey);
      }
    }
    this.#emit({
      kind: 'child-up',
      peer: sa.peer.config.name,
      child: r.child.config.name,
      inbound: r.inbound.spi,
      outbound: r.outbound.spi,
      time: this.#now(),
    });
  }

  childFailed(sa: IsakmpAssociation, child: ChildRuntime | null, reason: string): void {
    if (child) this.#pending.delete(child);
    this.#count(`child:${reason}`);
    this.#emit({
      kind: 'child-failed',
      peer: sa.peer.config.name,
      child: child?.config.name ?? '(peer proposed)',
      reason,
      time: this.#now(),
    });
  }

  ended(sa: IsakmpAssociation, reason: string): void {
    if (sa.established < 0) this.#releaseHalfOpen(sa);
    this.#sas.delete(sa);
    for (const c of sa.peer.children) if (sa.role === 'initiator') this.#pending.delete(c);
    this.#count(`ike:${reason}`);
    this.#emit({
      kind: 'ike-down',
      peer: sa.peer.config.name,
      cookies: `${hexOf(sa.ckyI)}_i ${hexOf(sa.ckyR)}_r`,
      reason,
      time: this.#now(),
    });
  }

  deleted(sa: IsakmpAssociation, spis: readonly number[]): void {
    // Implementations differ on which SPI of a pair a Delete names (we send our inbound ones;
    // strongSwan 5.9 sends the SPI we chose): a child made under this ISAKMP SA goes, both
    // directions, when either of its SPIs is named.
    const gone = sa.children.filter(
      (c) => spis.includes(c.inbound.spi) || spis.includes(c.outbound.spi),
    );
    for (const c of gone) {
      this.ipsec.sad.delete('outbound', c.outbound.spi);
      this.ipsec.sad.delete('inbound', c.inbound.spi);
    }
    this.#emit({
      kind: 'child-deleted',
      peer: sa.peer.config.name,
      spis: gone.map((c) => c.outbound.spi),
      time: this.#now(),
    });
  }

  dropped(sa: IsakmpAssociation, reason: string): void {
    this.#count(reason);
    this.#emit({
      kind: 'dropped',
      peer: sa.peer.config.name,
      reason,
      security: SECURITY.test(reason),
      time: this.#now(),
    });
  }

  #count(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  #emit(e: IkeEvent): void {
    this.#events.next(e);
  }

  status(): IkeSaStatus[] {
    return [...this.#sas].map((sa) => ({
      peer: sa.peer.config.name,
      role: sa.role,
      state:
        sa.state === 'established'
          ? 'ESTABLISHED'
          : sa.state === 'half-open'
            ? 'CONNECTING'
            : sa.state.toUpperCase(),
      cookies: `${hexOf(sa.ckyI)}_i ${hexOf(sa.ckyR)}_r`,
      suite: sa.suite
        ? `AES_CBC-${sa.suite.keyLength * 8}/HMAC_${sa.suite.hash.toUpperCase()}/${sa.suite.group.toUpperCase()}`
        : '',
      children: sa.children.map((c) => ({
        name: c.child.config.name,
        mode: c.mode,
        spiIn: c.inbound.spi.toString(16).padStart(8, '0'),
        spiOut: c.outbound.spi.toString(16).padStart(8, '0'),
        local: c.child.config.local,
        remote: c.child.config.remote,
      })),
    }));
  }

  /** IKE itself passes in clear; each child's traffic is PROTECTed through its bundle. */
  #installPolicies(): void {
    const spd = this.ipsec.spd;
    spd.addOutbound({
      name: 'ike-bypass-out',
      selector: { nextHeader: NextHeader.UDP, localPort: 500 },
      action: 'bypass',
    });
    spd.addInbound({
      name: 'ike-bypass-in',
      selector: { nextHeader: NextHeader.UDP, localPort: 500 },
      accept: [[]],
    });
    for (const p of this.peers) {
      for (const c of p.children) {
        const selector = {
          local: c.local,
          remote: c.remote,
          ...(c.protocol ? { nextHeader: c.protocol } : {}),
        };
        spd.addOutbound({ name: c.bundle, selector, action: 'protect', bundle: c.bundle });
        spd.addInbound({ name: `${c.bundle}/in`, selector, accept: [['esp']] });
      }
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
