/**
 * A Security Association (RFC 4301 §4.1) and the ESP processing it does (RFC 4303 §3.3,
 * §3.4). Keys live here, behind engine key objects (`#private` bytes, wiped by destroy()).
 * Encapsulation and decapsulation work in place on a PacketBuffer.
 *
 *   ESP packet:  SPI(4) ‖ Seq(4) ‖ IV ‖ ciphertext(payload ‖ padding ‖ pad length ‖ next header) ‖ ICV
 */
import type { PacketBuffer } from '@conduits/core';
import { constantTimeEqual, defaultEngine, type AeadKey, type CipherKey, type CryptoEngine, type MacKey } from '@conduits/crypto';
import type { Ipv6Address } from '@conduits/protocols-inet';
import { ReplayWindow } from './anti-replay.js';
import type { EspDropReason } from './esp-drop-reasons.js';
import { aeadAlgorithm, cipherAlgorithm, integrityMac, isAead, ivLength, padBlock, saltLength, type TransformSpec } from './transforms.js';

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
  state: SaState = 'mature';
  /** Last sequence number sent (outbound). */
  sequence: number;
  readonly stats = { packets: 0, bytes: 0 };
  readonly createdAt: number;
  /** Called once for each lifetime crossed (a key manager rekeys on 'soft', the SA stops on 'hard'). */
  onLifetime: ((sa: SecurityAssociation, event: LifetimeEvent) => void) | null = null;

  readonly #engine: CryptoEngine;
  #aead: AeadKey | null = null;
  #cipher: CipherKey | null = null;
  #mac: MacKey | null = null;
  #salt: Uint8Array;
  readonly #soft: Lifetime;
  readonly #hard: Lifetime;
  readonly #ivFor: ((seq: number) => Uint8Array) | undefined;
  readonly #nonce = new Uint8Array(12);
  readonly #aad = new Uint8Array(12);
  readonly #counter = new Uint8Array(16);
  /** The counter-mode IV of the packet being sent, reused: no allocation per packet. */
  readonly #iv = new Uint8Array(8);
  static readonly #noIv = new Uint8Array(0);

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
    this.#engine = config.engine ?? defaultEngine;
    this.#soft = config.softLifetime ?? {};
    this.#hard = config.hardLifetime ?? {};
    this.#ivFor = config.ivFor;
    this.sequence = config.initialSequence ?? 0;
    this.createdAt = now;
    const windowSize = config.replayWindow ?? 64;
    this.replay = config.direction === 'inbound' && windowSize > 0 ? new ReplayWindow(windowSize, this.esn) : null;
    if (this.replay !== null && config.initialSequence) this.replay.startAt(config.initialSequence);
    this.ivLength = ivLength(t.encryption);
    const sl = saltLength(t.encryption);
    if (this.protocol === 'ah' && (t.encryption !== 'null' || t.integrity === 'none')) throw new RangeError('an AH SA has an integrity algorithm and no encryption');
    const key = config.encryptionKey;
    if (t.encryption !== 'null' && key.length !== t.encryptionKeyLength + sl) throw new RangeError(`SA ${this.spi}: encryption keying material must be ${t.encryptionKeyLength + sl} bytes`);
    this.#salt = key.slice(key.length - sl);
    const k = key.subarray(0, key.length - sl);
    if (isAead(t.encryption)) {
      this.#aead = this.#engine.aead(aeadAlgorithm(t.encryption, t.encryptionKeyLength), k);
      this.icvLength = t.icvLength ?? 16;
      if (t.integrity !== 'none') throw new RangeError('an AEAD transform takes no separate integrity algorithm');
    } else {
      if (t.encryption === 'aes-cbc' || t.encryption === 'aes-ctr') this.#cipher = this.#engine.cipher(cipherAlgorithm(t.encryption, t.encryptionKeyLength), k);
      if (t.integrity === 'none') {
        if (t.encryption === 'null' && !config.allowNoProtection) throw new RangeError('ESP with neither encryption nor integrity protects nothing');
        this.icvLength = 0;
      } else {
        const m = integrityMac[t.integrity];
        if (config.integrityKey === undefined || config.integrityKey.length !== m.keyLength) throw new RangeError(`SA ${this.spi}: integrity key must be ${m.keyLength} bytes`);
        this.#mac = this.#engine.mac(m.mac, config.integrityKey, m.icvLength);
        this.icvLength = m.icvLength;
      }
    }
  }

  /** The SA is gone: keys wiped, no more use. */
  destroy(): void {
    this.#aead?.destroy();
    this.#cipher?.destroy();
    this.#mac?.destroy();
    this.#salt.fill(0);
    this.#aead = this.#cipher = this.#mac = null;
    this.state = 'deleted';
  }

  get keysDestroyed(): boolean {
    return (this.#aead?.destroyed ?? true) && (this.#cipher?.destroyed ?? true) && (this.#mac?.destroyed ?? true);
  }

  /** Check the time lifetimes against `now` (the owning session calls this on a timer). */
  checkTime(now: number): void {
    const age = now - this.createdAt;
    if (this.#hard.time !== undefined && age >= this.#hard.time) this.#cross('hard');
    else if (this.#soft.time !== undefined && age >= this.#soft.time) this.#cross('soft');
  }

  /**
   * Turn the payload in `buf` into an ESP packet, in place. `nextHeader` is what the payload
   * is (an upper-layer protocol in transport mode, 41 for an IPv6 packet in tunnel mode).
   */
  encapsulate(buf: PacketBuffer, nextHeader: number): EspDropReason | null {
    if (this.state === 'expired' || this.state === 'deleted') return 'esp-sa-expired';
    const limit = this.esn ? Number.MAX_SAFE_INTEGER : 0xffffffff;
    // RFC 4303 §3.3.3: the sequence number never wraps; the SA must be replaced.
    if (this.sequence >= limit) return 'esp-sequence-exhausted';
    const seq = ++this.sequence;
    const seqLo = seq >>> 0;
    const seqHi = Math.floor(seq / 4294967296);
    const t = this.transform;
    // Trailer: padding 1, 2, 3, ..., pad length, next header.
    const block = padBlock(t.encryption);
    const padLen = (block - ((buf.length + 2) % block)) % block;
    const tAt = buf.append(padLen + 2);
    for (let i = 0; i < padLen; i++) buf.bytes[tAt + i] = i + 1;
    buf.bytes[tAt + padLen] = padLen;
    buf.bytes[tAt + padLen + 1] = nextHeader;
    const ptAt = buf.start;
    const ptLen = buf.length;
    const iv = this.#ivFor ? this.#ivFor(seq) : this.#freshIv(seq);
    if (this.#aead !== null) {
      this.#setNonce(iv);
      const sealed = this.#aead.seal(this.#nonce, buf.bytes.subarray(ptAt, ptAt + ptLen), this.#setAad(seqHi, seqLo), this.icvLength);
      buf.bytes.set(sealed.subarray(0, ptLen), ptAt);
      buf.appendBytes(sealed.subarray(ptLen));
      buf.prependBytes(iv);
      this.#pushHeader(buf, seqLo);
    } else {
      if (this.#cipher !== null) {
        const ct = this.#cipher.encrypt(this.#counterBlock(iv), buf.bytes.subarray(ptAt, ptAt + ptLen));
        buf.bytes.set(ct, ptAt);
      }
      if (iv.length > 0) buf.prependBytes(iv);
      this.#pushHeader(buf, seqLo);
      if (this.#mac !== null) buf.appendBytes(this.#icv(buf.bytes.subarray(buf.start, buf.end), seqHi));
    }
    this.#count(ptLen);
    return null;
  }

  /**
   * Check and decrypt the ESP packet in `buf` (at buf.start, SPI already matched to this SA),
   * in place. Returns the next header of the recovered payload, or why it was refused.
   */
  decapsulate(buf: PacketBuffer): number | EspDropReason {
    if (this.state === 'expired' || this.state === 'deleted') return 'esp-sa-expired';
    const at = buf.start;
    const overhead = 8 + this.ivLength + this.icvLength;
    const ctLen = buf.length - overhead;
    if (ctLen < 2) return 'esp-truncated';
    if (padBlock(this.transform.encryption) === 16 && ctLen % 16 !== 0) return 'esp-bad-length';
    const seqLo = buf.view.getUint32(at + 4);
    if (this.replay !== null) {
      const v = this.replay.check(seqLo);
      if (v !== 'ok') return v;
    }
    const seqHi = this.replay?.inferredHigh ?? 0;
    const iv = buf.bytes.subarray(at + 8, at + 8 + this.ivLength);
    const ctAt = at + 8 + this.ivLength;
    let plain: Uint8Array;
    if (this.#aead !== null) {
      this.#setNonce(iv);
      const opened = this.#aead.open(this.#nonce, buf.bytes.subarray(ctAt, buf.end), this.#setAad(seqHi, seqLo), this.icvLength);
      if (opened === null) return 'esp-icv-failed';
      plain = opened;
    } else {
      if (this.#mac !== null) {
        const icv = buf.bytes.subarray(buf.end - this.icvLength, buf.end);
        const expected = this.#icv(buf.bytes.subarray(at, buf.end - this.icvLength), seqHi);
        if (!constantTimeEqual(expected, icv)) return 'esp-icv-failed';
      }
      const ct = buf.bytes.subarray(ctAt, ctAt + ctLen);
      plain = this.#cipher !== null ? this.#cipher.decrypt(this.#counterBlock(iv), ct) : ct;
    }
    // Only an authenticated packet moves the window (RFC 4303 §3.4.3).
    this.replay?.update(seqLo);
    const padLen = plain[plain.length - 2] as number;
    const nextHeader = plain[plain.length - 1] as number;
    if (padLen + 2 > plain.length) return 'esp-bad-padding';
    for (let i = 0; i < padLen; i++) if (plain[plain.length - 2 - padLen + i] !== i + 1) return 'esp-bad-padding';
    const payloadLen = plain.length - 2 - padLen;
    buf.bytes.set(plain.subarray(0, payloadLen), at);
    buf.end = at + payloadLen;
    this.#count(payloadLen);
    return nextHeader;
  }

  /**
   * For AH (and other integrity users): take the next outbound sequence number, or null when
   * the space is exhausted (the SA must be replaced, RFC 4302 §3.3.2).
   */
  nextSequence(): number | null {
    if (this.state === 'expired' || this.state === 'deleted') return null;
    if (this.sequence >= (this.esn ? Number.MAX_SAFE_INTEGER : 0xffffffff)) return null;
    return ++this.sequence;
  }

  /** The truncated MAC over `parts`, with the high sequence bits appended under ESN. */
  integrityCheckValue(parts: readonly Uint8Array[], seqHi: number): Uint8Array {
    const mac = this.#mac;
    if (mac === null) throw new RangeError(`SA ${this.spi} has no integrity algorithm`);
    if (!this.esn) return mac.compute(...parts);
    const hi = new Uint8Array(4);
    new DataView(hi.buffer).setUint32(0, seqHi);
    return mac.compute(...parts, hi);
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

  #pushHeader(buf: PacketBuffer, seqLo: number): void {
    const h = buf.push(8);
    buf.view.setUint32(h, this.spi);
    buf.view.setUint32(h + 4, seqLo);
  }

  #freshIv(seq: number): Uint8Array {
    if (this.ivLength === 0) return SecurityAssociation.#noIv;
    // CBC needs an unpredictable IV (RFC 3602 §3); counter modes need a unique one: the sequence number.
    if (this.transform.encryption === 'aes-cbc') return this.#engine.randomBytes(16);
    const iv = this.#iv;
    const hi = Math.floor(seq / 4294967296);
    iv[0] = hi >>> 24;
    iv[1] = (hi >>> 16) & 0xff;
    iv[2] = (hi >>> 8) & 0xff;
    iv[3] = hi & 0xff;
    iv[4] = seq >>> 24;
    iv[5] = (seq >>> 16) & 0xff;
    iv[6] = (seq >>> 8) & 0xff;
    iv[7] = seq & 0xff;
    return iv;
  }

  #setNonce(iv: Uint8Array): void {
    this.#nonce.set(this.#salt, 0);
    this.#nonce.set(iv, 4);
  }

  /** AAD: SPI ‖ seq, or SPI ‖ seqHi ‖ seqLo with ESN (RFC 4106 §5, RFC 7634 §3). */
  #setAad(seqHi: number, seqLo: number): Uint8Array {
    const v = new DataView(this.#aad.buffer);
    v.setUint32(0, this.spi);
    if (this.esn) {
      v.setUint32(4, seqHi);
      v.setUint32(8, seqLo);
      return this.#aad;
    }
    v.setUint32(4, seqLo);
    return this.#aad.subarray(0, 8);
  }

  /** CBC: the IV itself; CTR (RFC 3686 §4): nonce ‖ IV ‖ 00000001. */
  #counterBlock(iv: Uint8Array): Uint8Array {
    if (this.transform.encryption === 'aes-cbc') return iv;
    this.#counter.set(this.#salt, 0);
    this.#counter.set(iv, 4);
    new DataView(this.#counter.buffer).setUint32(12, 1);
    return this.#counter;
  }

  /** ICV over ESP header ‖ IV ‖ ciphertext, with the high sequence bits appended under ESN (§2.2.1). */
  #icv(covered: Uint8Array, seqHi: number): Uint8Array {
    const mac = this.#mac as MacKey;
    if (!this.esn) return mac.compute(covered);
    const hi = new Uint8Array(4);
    new DataView(hi.buffer).setUint32(0, seqHi);
    return mac.compute(covered, hi);
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
