/**
 * A Security Association (RFC 4301 §4.1) in Java Conduits' FSM / Coder / Cipher pattern:
 * this class is the FSM — the SA's state (mature, soft-expired, expired, deleted), its
 * sequence numbers, anti-replay window and lifetimes; the Coder is `esp/esp-coder.ts` (the
 * wire format, no keys, no state); the Cipher is `esp/esp-cipher.ts`, the only holder of the
 * keys. `saProtocol(sa)` stacks the three as sessions for the host's IPsec layer;
 * `encapsulate` / `decapsulate` run the same steps in one call for code outside a graph
 * (the gateway, pcap decoding, known-answer tests). Both work in place on a PacketBuffer.
 *
 *   ESP packet:  SPI(4) ‖ Seq(4) ‖ IV ‖ ciphertext(payload ‖ padding ‖ pad length ‖ next header) ‖ ICV
 */
import type { PacketBuffer } from '@conduits/core';
import { defaultEngine, type CryptoEngine } from '@conduits/crypto';
import type { Ipv6Address } from '@conduits/protocols-inet';
import { ReplayWindow } from './anti-replay.js';
import type { EspDropReason } from './esp-drop-reasons.js';
import { EspCipher } from './esp/esp-cipher.js';
import { lengthProblem, pullHeader, pushHeader, sequenceOf, stripTrailer, writeTrailer } from './esp/esp-coder.js';
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
  readonly engine?: CryptoEngine;
  /** Outbound: the last sequence number sent; inbound: the top of the replay window. @default 0 */
  readonly initialSequence?: number;
  /**
   * Benchmarks only: allow NULL encryption without integrity (RFC 4303 §3.2 requires one of
   * the two; this measures the framework's own cost). @default false
   */
  readonly allowNoProtection?: boolean;
  /** Known-answer tests only: the IV to use for a sequence number. */
  readonly ivFor?: (seq: number) => Uint8Array;
}

export type SaState = 'mature' | 'soft-expired' | 'expired' | 'deleted';
export type LifetimeEvent = 'soft' | 'hard';

export class SecurityAssociation {
  readonly spi: Spi;
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly mode: 'transport' | 'tunnel';
  readonly source: Ipv6Address | undefined;
  readonly destination: Ipv6Address | undefined;
  readonly transform: TransformSpec;
  readonly esn: boolean;
  readonly udpEncapsulation: { readonly sourcePort: number; readonly destinationPort: number } | undefined;
  readonly replay: ReplayWindow | null;
  readonly icvLength: number;
  readonly ivLength: number;
  /** The padding block of the transform (the Coder's business, kept here for it). */
  readonly block: number;
  /** The keys and the transform: the Cipher. */
  readonly cipher: EspCipher;
  state: SaState = 'mature';
  /** Last sequence number sent (outbound). */
  sequence: number;
  readonly stats = { packets: 0, bytes: 0 };
  readonly createdAt: number;
  /** Called once for each lifetime crossed (a key manager rekeys on 'soft', the SA stops on 'hard'). */
  onLifetime: ((sa: SecurityAssociation, event: LifetimeEvent) => void) | null = null;

  readonly #soft: Lifetime;
  readonly #hard: Lifetime;

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
    const windowSize = config.replayWindow ?? 64;
    this.replay = config.direction === 'inbound' && windowSize > 0 ? new ReplayWindow(windowSize, this.esn) : null;
    if (this.replay !== null && config.initialSequence) this.replay.startAt(config.initialSequence);
    this.cipher = new EspCipher({ spi: this.spi, protocol: this.protocol, transform: t, encryptionKey: config.encryptionKey, integrityKey: config.integrityKey, esn: this.esn, engine: config.engine ?? defaultEngine, allowNoProtection: config.allowNoProtection, ivFor: config.ivFor });
    this.icvLength = this.cipher.icvLength;
    this.ivLength = this.cipher.ivLength;
    this.block = padBlock(t.encryption);
  }

  /** The SA is gone: keys wiped, no more use. */
  destroy(): void {
    this.cipher.destroy();
    this.state = 'deleted';
  }

  get keysDestroyed(): boolean {
    return this.cipher.destroyed;
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
    if (this.sequence >= (this.esn ? Number.MAX_SAFE_INTEGER : 0xffffffff)) return 'esp-sequence-exhausted';
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
    this.#count(bytes);
  }

  /**
   * Turn the payload in `buf` into an ESP packet, in place. `nextHeader` is what the payload
   * is (an upper-layer protocol in transport mode, 41 for an IPv6 packet in tunnel mode).
   * FSM, Coder and Cipher in one call.
   */
  encapsulate(buf: PacketBuffer, nextHeader: number): EspDropReason | null {
    const seq = this.takeSequence();
    if (typeof seq === 'string') return seq;
    const bytes = buf.length;
    writeTrailer(buf, nextHeader, this.block);
    this.cipher.seal(buf, seq);
    pushHeader(buf, this.spi, seq >>> 0);
    this.#count(bytes);
    return null;
  }

  /**
   * Check and decrypt the ESP packet in `buf` (at buf.start, SPI already matched to this SA),
   * in place. Returns the next header of the recovered payload, or why it was refused.
   */
  decapsulate(buf: PacketBuffer): number | EspDropReason {
    const bad = lengthProblem(buf, this.ivLength, this.icvLength, this.block);
    if (bad !== null) return bad;
    const seqLo = sequenceOf(buf);
    pullHeader(buf, this.ivLength, this.icvLength, this.block);
    const seqHi = this.checkSequence(seqLo);
    if (typeof seqHi === 'string') return seqHi;
    const r = this.cipher.open(buf, seqLo, seqHi);
    if (r !== null) return r;
    const nextHeader = stripTrailer(buf);
    if (typeof nextHeader === 'string') return nextHeader;
    this.acceptSequence(seqLo, buf.length);
    return nextHeader;
  }

  /** The truncated MAC over `parts`, with the high sequence bits appended under ESN. */
  integrityCheckValue(parts: readonly Uint8Array[], seqHi: number): Uint8Array {
    return this.cipher.integrityCheckValue(parts, seqHi);
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
    if ((h.packets !== undefined && this.stats.packets >= h.packets) || (h.bytes !== undefined && this.stats.bytes >= h.bytes)) this.#cross('hard');
    else if ((s.packets !== undefined && this.stats.packets >= s.packets) || (s.bytes !== undefined && this.stats.bytes >= s.bytes)) this.#cross('soft');
  }

  #cross(event: LifetimeEvent): void {
    if (event === 'soft' && this.state !== 'mature') return;
    if (event === 'hard' && (this.state === 'expired' || this.state === 'deleted')) return;
    this.state = event === 'soft' ? 'soft-expired' : 'expired';
    this.onLifetime?.(this, event);
  }
}
