/**
 * A Security Association (RFC 4301 §4.1) in Java Conduits' FSM / Coder / Cipher pattern:
 * this class is the FSM — the SA's state (mature, soft-expired, expired, deleted), its
 * sequence numbers, anti-replay window and lifetimes; the Coder is `esp/esp-coder.ts` (the
 * wire format, no keys, no state); the Cipher is `esp/esp-cipher.ts`, the only holder of the
 * keys. `saProtocol(sa)` stacks the three as sessions for the IPsec layers of the host and the
 * gateway; `encapsulate` / `decapsulate` are thin wrappers that run the same Protocol, embedded
 * in a graph of the SA's own, for code outside a graph (pcap decoding, known-answer tests).
 * Both work in place on a PacketBuffer. The SA's keys are in its Cipher alone (made with the
 * SA, held #private until its Protocol's Cipher session takes it): holding the SAD gives no
 * way to seal, open or MAC bytes.
 *
 *   ESP packet:  SPI(4) ‖ Seq(4) ‖ IV ‖ ciphertext(payload ‖ padding ‖ pad length ‖ next header) ‖ ICV
 */
import type { PacketBuffer } from '@conduits/core/codec';
import { defaultEngine, type CryptoEngine } from '@conduits/crypto';
import type { Ipv6Address } from '@conduits/protocols-inet';
import { ReplayWindow } from './anti-replay.js';
import { espOneCall } from './conduits/sa-pipeline.js';
import { CipherState } from './conduits/sa-protocol.js';
import type { EspDropReason } from './esp-drop-reasons.js';
import type { Selector } from './spd.js';
import { cipherShape } from './esp/esp-cipher.js';
import { SaKeysClaimedError } from './sa-keys.js';
import { padBlock, type TransformSpec } from './transforms.js';

declare const spiBrand: unique symbol;
export type Spi = number & { readonly [spiBrand]: 'Spi' };
export const spi = (n: number): Spi => (n >>> 0) as Spi;

export interface Lifetime {
  readonly bytes?: number;
  readonly packets?: number;
  /** Milliseconds of the clock that drives the SA (virtual or real). */
  readonly time?: number;
}

export interface SaConfig {
  readonly spi: number;
  /** @default 'esp' */
  readonly protocol?: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly mode: 'transport' | 'tunnel';
  readonly source?: Ipv6Address;
  readonly destination?: Ipv6Address;
  readonly transform: TransformSpec;
  /** Encryption keying material: the key, then the salt/nonce where the transform has one. */
  readonly encryptionKey: Uint8Array;
  readonly integrityKey?: Uint8Array;
  /** ESP in UDP (RFC 3948), as NAT traversal and strongSwan need: the ports of the UDP header. */
  readonly udpEncapsulation?: { readonly sourcePort: number; readonly destinationPort: number };
  /** Extended (64-bit) sequence numbers, RFC 4303 §2.2.1. @default false */
  readonly esn?: boolean;
  /** Anti-replay window in packets (64..4096); 0 disables it. @default 64 */
  readonly replayWindow?: number;
  readonly softLifetime?: Lifetime;
  readonly hardLifetime?: Lifetime;
  /**
   * The SA's traffic selectors (RFC 4301 §4.4.2.1), from this end's view (`remote` is the
   * peer's side): a packet an inbound SA opened must match them (§5.2), the inner packet in
   * tunnel mode. Default in transport mode: `source` and `destination` as /128 ranges; in
   * tunnel mode, none (the SPD alone then judges the inner packet).
   */
  readonly selector?: Selector;
  readonly engine?: CryptoEngine;
  /** Outbound: the last sequence number sent; inbound: the top of the replay window. @default 0 */
  readonly initialSequence?: number;
}

/**
 * `sa`'s Protocol takes its Cipher (the state of its Cipher session), once; the SA keeps it
 * only to have it wiped. Package-internal, as is `cipherOf` (the test kit's): not exported
 * from the index.
 */
/**
 * Configurations the test kit marked with `allowNoProtection` (benchmarks of the framework's own
 * cost): NULL encryption without integrity, which RFC 4303 §3.2 forbids. Package-internal, so
 * production configuration has no way to ask for it.
 */
export const noProtectionAllowed = new WeakSet<SaConfig>();

export let takeCipher: (sa: SecurityAssociation) => CipherState;
export let cipherOf: (sa: SecurityAssociation) => CipherState;

export type SaState = 'mature' | 'soft-expired' | 'expired' | 'deleted';
export type LifetimeEvent = 'soft' | 'hard';
/** What the SA tells its SAD: a lifetime crossed, or a number space used up (the SA must be replaced). */
export type SaLifecycleEvent = LifetimeEvent | 'sequence-exhausted' | 'replay-window-exhausted';

export class SecurityAssociation {
  readonly spi: Spi;
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly mode: 'transport' | 'tunnel';
  readonly source: Ipv6Address | undefined;
  readonly destination: Ipv6Address | undefined;
  readonly transform: TransformSpec;
  readonly esn: boolean;
  readonly udpEncapsulation:
    { readonly sourcePort: number; readonly destinationPort: number } | undefined;
  readonly replay: ReplayWindow | null;
  /** Traffic selectors (see `SaConfig.selector`); undefined: no check beyond the SPD. */
  readonly selector: Selector | undefined;
  readonly icvLength: number;
  readonly ivLength: number;
  /** The padding block of the transform (the Coder's business, kept here for it). */
  readonly block: number;
  state: SaState = 'mature';
  /** Last sequence number sent (outbound). */
  sequence: number;
  readonly stats = { packets: 0, bytes: 0 };
  readonly createdAt: number;
  /** Called once for each lifetime crossed (a key manager rekeys on 'soft', the SA stops on 'hard'). The SAD's `events$` carries the same, for every SA it holds. */
  onLifetime: ((sa: SecurityAssociation, event: LifetimeEvent) => void) | null = null;

  readonly #soft: Lifetime;
  readonly #hard: Lifetime;
  /** The SAD holding this SA: told of every lifecycle event (the SAD owns the SA's timers and deletes it on hard expiry). */
  #owner: ((sa: SecurityAssociation, event: SaLifecycleEvent) => void) | null = null;
  #exhausted = false;
  /** The only holder of the keys (its Cipher session's state), until and after the SA's Protocol takes it. */
  readonly #cipher: CipherState;
  #cipherTaken = false;

  static {
    takeCipher = (sa) => {
      if (sa.#cipherTaken) throw new SaKeysClaimedError(sa.spi);
      sa.#cipherTaken = true;
      return sa.#cipher;
    };
    cipherOf = (sa) => sa.#cipher;
  }

  constructor(config: SaConfig, now = 0) {
    const t = config.transform;
    this.spi = spi(config.spi);
    this.protocol = config.protocol ?? 'esp';
    this.direction = config.direction;
    this.mode = config.mode;
    this.source = config.source;
    this.destination = config.destination;
    this.transform = t;
    this.esn = config.esn ?? false;
    this.udpEncapsulation = config.udpEncapsulation;
    this.#soft = config.softLifetime ?? {};
    this.#hard = config.hardLifetime ?? {};
    this.sequence = config.initialSequence ?? 0;
    this.createdAt = now;
    this.selector =
      config.selector ?? (config.mode === 'transport' ? transportSelector(config) : undefined);
    const windowSize = config.replayWindow ?? 64;
    this.replay =
      config.direction === 'inbound' && windowSize > 0
        ? new ReplayWindow(windowSize, this.esn)
        : null;
    if (this.replay !== null && config.initialSequence) this.replay.startAt(config.initialSequence);
    const shape = cipherShape({
      spi: this.spi,
      protocol: this.protocol,
      transform: t,
      allowNoProtection: noProtectionAllowed.has(config),
      encryptionKeyLength: config.encryptionKey.length,
      integrityKeyLength: config.integrityKey?.length,
    });
    // The Cipher session makes the engine key objects from copies it wipes (the caller's are the caller's).
    const keys = {
      spi: this.spi,
      protocol: this.protocol,
      transform: t,
      encryptionKey: config.encryptionKey.slice(),
      integrityKey: config.integrityKey?.slice(),
      esn: this.esn,
      engine: config.engine ?? defaultEngine,
      allowNoProtection: noProtectionAllowed.has(config),
    };
    this.#cipher = new CipherState(this, keys);
    this.icvLength = shape.icvLength;
    this.ivLength = shape.ivLength;
    this.block = padBlock(t.encryption);
  }

  /** The soft and hard lifetimes (the SAD schedules the time ones from `createdAt`). */
  get softLifetime(): Lifetime {
    return this.#soft;
  }

  get hardLifetime(): Lifetime {
    return this.#hard;
  }

  /** Called by the SAD that takes this SA in: one owner at a time. */
  ownedBy(owner: ((sa: SecurityAssociation, event: SaLifecycleEvent) => void) | null): void {
    if (owner !== null && this.#owner !== null && this.#owner !== owner)
      throw new RangeError(`${this.toString()} is already held by another SAD`);
    this.#owner = owner;
  }

  /** The SA is gone: keys wiped, no more use. */
  destroy(): void {
    this.#cipher.wipe();
    this.state = 'deleted';
  }

  get keysDestroyed(): boolean {
    return this.#cipher.wiped;
  }

  /** Check the time lifetimes against `now` (the owning session calls this on a timer). */
  checkTime(now: number): void {
    const age = now - this.createdAt;
    if (this.#hard.time !== undefined && age >= this.#hard.time) this.#cross('hard');
    else if (this.#soft.time !== undefined && age >= this.#soft.time) this.#cross('soft');
  }

  /** FSM, outbound: the next sequence number, or why nothing may be sent (RFC 4303 §3.3.3: it never wraps). */
  takeSequence(): number | EspDropReason {
    if (this.state === 'expired' || this.state === 'deleted') return 'esp-sa-expired';
    if (this.sequence >= (this.esn ? Number.MAX_SAFE_INTEGER : 0xffffffff)) {
      this.#exhaust('sequence-exhausted');
      return 'esp-sequence-exhausted';
    }
    return ++this.sequence;
  }

  /** FSM, inbound, before the ICV is checked: the high sequence bits to check it with, or why the packet is refused. */
  checkSequence(seqLo: number): number | EspDropReason {
    if (this.state === 'expired' || this.state === 'deleted') return 'esp-sa-expired';
    if (this.replay === null) return 0;
    const v = this.replay.check(seqLo);
    if (v !== 'ok') return v;
    return this.replay.inferredHigh;
  }

  /** FSM, inbound, after the ICV verified: only an authenticated packet moves the window (RFC 4303 §3.4.3). */
  acceptSequence(seqLo: number, bytes: number): void {
    this.replay?.update(seqLo);
    // The top of a 32-bit window: no later packet can be accepted (RFC 4303 §3.4.3), the peer must rekey.
    if (this.replay !== null && !this.esn && seqLo === 0xffffffff)
      this.#exhaust('replay-window-exhausted');
    this.#count(bytes);
  }

  /**
   * Turn the payload in `buf` into an ESP packet, in place. `nextHeader` is what the payload
   * is (an upper-layer protocol in transport mode, 41 for an IPv6 packet in tunnel mode).
   * The SA's FSM / Coder / Cipher Protocol, run in one call.
   */
  encapsulate(buf: PacketBuffer, nextHeader: number): EspDropReason | null {
    return espOneCall(this).seal(buf, nextHeader);
  }

  /**
   * Check and decrypt the ESP packet in `buf` (at buf.start, SPI already matched to this SA),
   * in place. Returns the next header of the recovered payload, or why it was refused.
   */
  decapsulate(buf: PacketBuffer): number | EspDropReason {
    return espOneCall(this).open(buf, 0);
  }

  /** Count a processed packet of `bytes` against the lifetimes. */
  account(bytes: number): void {
    this.#count(bytes);
  }

  get usable(): boolean {
    return this.state !== 'expired' && this.state !== 'deleted';
  }

  /** A description for logs: no key bytes. */
  toString(): string {
    const t = this.transform;
    return `${this.protocol === 'ah' ? 'AH ' : ''}SA ${this.direction} spi 0x${this.spi.toString(16).padStart(8, '0')} ${this.mode} ${t.encryption}-${t.encryptionKeyLength * 8}/${t.integrity}${this.esn ? ' esn' : ''} (${this.state})`;
  }

  #count(bytes: number): void {
    this.stats.packets++;
    this.stats.bytes += bytes;
    const h = this.#hard;
    const s = this.#soft;
    if (
      (h.packets !== undefined && this.stats.packets >= h.packets) ||
      (h.bytes !== undefined && this.stats.bytes >= h.bytes)
    )
      this.#cross('hard');
    else if (
      (s.packets !== undefined && this.stats.packets >= s.packets) ||
      (s.bytes !== undefined && this.stats.bytes >= s.bytes)
    )
      this.#cross('soft');
  }

  #cross(event: LifetimeEvent): void {
    if (event === 'soft' && this.state !== 'mature') return;
    if (event === 'hard' && (this.state === 'expired' || this.state === 'deleted')) return;
    this.state = event === 'soft' ? 'soft-expired' : 'expired';
    this.onLifetime?.(this, event);
    this.#owner?.(this, event);
  }

  #exhaust(event: 'sequence-exhausted' | 'replay-window-exhausted'): void {
    if (this.#exhausted) return;
    this.#exhausted = true;
    this.#owner?.(this, event);
  }
}

/** A transport-mode SA carries packets between its two addresses: an inbound one from `source` to `destination`. */
function transportSelector(config: SaConfig): Selector | undefined {
  const peer = config.direction === 'inbound' ? config.source : config.destination;
  const me = config.direction === 'inbound' ? config.destination : config.source;
  if (peer === undefined && me === undefined) return undefined;
  return {
    ...(peer === undefined ? {} : { remote: { address: peer, prefix: 128 } }),
    ...(me === undefined ? {} : { local: { address: me, prefix: 128 } }),
  };
}
