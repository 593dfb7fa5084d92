/**
 * The Cipher of an SA (the bottom of Java Conduits' FSM / Coder / Cipher pattern): it alone
 * holds the SA's keys — engine key objects whose bytes are `#private` and wiped by destroy()
 * — and applies the transform to an ESP payload in place: seal (encrypt, IV in front, ICV
 * behind) and open (verify the ICV in constant time, decrypt, IV and ICV removed).
 * The ESP header is not in the buffer while the Cipher works; its SPI and sequence number
 * come as arguments (they are the AEAD's AAD, and the HMAC covers them).
 *
 * Only an SA's Cipher session (conduits/sa-protocol.ts) makes one, and keeps it in a #private
 * field: nothing that holds the SAD can reach it.
 */
import type { PacketBuffer } from '@conduits/core/codec';
import {
  constantTimeEqual,
  type AeadKey,
  type CipherKey,
  type CryptoEngine,
  type MacKey,
} from '@conduits/crypto';
import type { EspDropReason } from '../esp-drop-reasons.js';
import {
  aeadAlgorithm,
  cipherAlgorithm,
  integrityMac,
  isAead,
  ivLength,
  saltLength,
  type TransformSpec,
} from '../transforms.js';

export interface CipherConfig {
  readonly spi: number;
  readonly protocol: 'esp' | 'ah';
  readonly transform: TransformSpec;
  readonly encryptionKey: Uint8Array;
  readonly integrityKey?: Uint8Array | undefined;
  readonly esn: boolean;
  readonly engine: CryptoEngine;
  readonly allowNoProtection?: boolean | undefined;
}

/** What a transform puts around the payload. */
export interface CipherShape {
  readonly ivLength: number;
  readonly icvLength: number;
}

/**
 * Check an SA's transform and key lengths without making any key object, and say how long
 * its IV and ICV are (the SA checks this when it is made; the Cipher session makes the keys later).
 */
export function cipherShape(
  c: Pick<CipherConfig, 'spi' | 'protocol' | 'transform' | 'allowNoProtection'> & {
    readonly encryptionKeyLength: number;
    readonly integrityKeyLength: number | undefined;
  },
): CipherShape {
  const t = c.transform;
  const sl = saltLength(t.encryption);
  if (c.protocol === 'ah' && (t.encryption !== 'null' || t.integrity === 'none'))
    throw new RangeError('an AH SA has an integrity algorithm and no encryption');
  if (t.encryption !== 'null' && c.encryptionKeyLength !== t.encryptionKeyLength + sl)
    throw new RangeError(
      `SA ${c.spi}: encryption keying material must be ${t.encryptionKeyLength + sl} bytes`,
    );
  if (isAead(t.encryption)) {
    if (t.integrity !== 'none')
      throw new RangeError('an AEAD transform takes no separate integrity algorithm');
    return { ivLength: ivLength(t.encryption), icvLength: t.icvLength ?? 16 };
  }
  if (t.integrity === 'none') {
    if (t.encryption === 'null' && !c.allowNoProtection)
      throw new RangeError('ESP with neither encryption nor integrity protects nothing');
    return { ivLength: ivLength(t.encryption), icvLength: 0 };
  }
  const m = integrityMac[t.integrity];
  if (c.integrityKeyLength !== m.keyLength)
    throw new RangeError(`SA ${c.spi}: integrity key must be ${m.keyLength} bytes`);
  return { ivLength: ivLength(t.encryption), icvLength: m.icvLength };
}

export class EspCipher {
  readonly icvLength: number;
  readonly ivLength: number;
  readonly #spi: number;
  readonly #transform: TransformSpec;
  readonly #esn: boolean;
  readonly #engine: CryptoEngine;
  #aead: AeadKey | null = null;
  #cipher: CipherKey | null = null;
  #mac: MacKey | null = null;
  #salt: Uint8Array;
  #ivFor: ((seq: number) => Uint8Array) | undefined;
  readonly #nonce = new Uint8Array(12);
  readonly #aad = new Uint8Array(12);
  readonly #counter = new Uint8Array(16);
  readonly #header = new Uint8Array(8);
  readonly #hi = new Uint8Array(4);
  /** The counter-mode IV of the packet being sent, reused: no allocation per packet. */
  readonly #iv = new Uint8Array(8);
  static readonly #noIv = new Uint8Array(0);

  constructor(c: CipherConfig) {
    const t = c.transform;
    const shape = cipherShape({
      ...c,
      encryptionKeyLength: c.encryptionKey.length,
      integrityKeyLength: c.integrityKey?.length,
    });
    this.#spi = c.spi;
    this.#transform = t;
    this.#esn = c.esn;
    this.#engine = c.engine;
    this.#ivFor = undefined;
    this.ivLength = shape.ivLength;
    this.icvLength = shape.icvLength;
    const sl = saltLength(t.encryption);
    const key = c.encryptionKey;
    this.#salt = key.slice(key.length - sl);
    const k = key.subarray(0, key.length - sl);
    if (isAead(t.encryption))
      this.#aead = this.#engine.aead(aeadAlgorithm(t.encryption, t.encryptionKeyLength), k);
    else {
      if (t.encryption === 'aes-cbc' || t.encryption === 'aes-ctr')
        this.#cipher = this.#engine.cipher(cipherAlgorithm(t.encryption, t.encryptionKeyLength), k);
      if (t.integrity !== 'none')
        this.#mac = this.#engine.mac(
          integrityMac[t.integrity].mac,
          c.integrityKey as Uint8Array,
          this.icvLength,
        );
    }
  }

  /** Known-answer tests only (reached through the test kit's `fixIvs`): send with these IVs. */
  useIvs(ivFor: (seq: number) => Uint8Array): void {
    this.#ivFor = ivFor;
  }

  /** Keys wiped; the cipher is unusable afterwards. */
  destroy(): void {
    this.#aead?.destroy();
    this.#cipher?.destroy();
    this.#mac?.destroy();
    this.#salt.fill(0);
    this.#aead = this.#cipher = this.#mac = null;
  }

  get destroyed(): boolean {
    return (
      (this.#aead?.destroyed ?? true) &&
      (this.#cipher?.destroyed ?? true) &&
      (this.#mac?.destroyed ?? true)
    );
  }

  /**
   * Encrypt buf's contents (payload ‖ padding ‖ pad length ‖ next header) in place, put the IV
   * in front and the ICV behind. The ESP header (SPI, seq) is pushed afterwards by the Coder.
   */
  seal(buf: PacketBuffer, seq: number): void {
    const seqLo = seq >>> 0;
    const seqHi = Math.floor(seq / 4294967296);
    const ptAt = buf.start;
    const ptLen = buf.length;
    const iv = this.#ivFor ? this.#ivFor(seq) : this.#freshIv(seq);
    if (this.#aead !== null) {
      this.#setNonce(iv);
      const sealed = this.#aead.seal(
        this.#nonce,
        buf.bytes.subarray(ptAt, ptAt + ptLen),
        this.#setAad(seqHi, seqLo),
        this.icvLength,
      );
      buf.bytes.set(sealed.subarray(0, ptLen), ptAt);
      buf.appendBytes(sealed.subarray(ptLen));
      buf.prependBytes(iv);
      return;
    }
    if (this.#cipher !== null)
      buf.bytes.set(
        this.#cipher.encrypt(this.#counterBlock(iv), buf.bytes.subarray(ptAt, ptAt + ptLen)),
        ptAt,
      );
    if (iv.length > 0) buf.prependBytes(iv);
    if (this.#mac !== null)
      buf.appendBytes(this.#icv(buf.bytes.subarray(buf.start, buf.end), seqLo, seqHi));
  }

  /**
   * Verify and decrypt buf's contents (IV ‖ ciphertext ‖ ICV, the ESP header already removed)
   * in place, leaving payload ‖ padding ‖ pad length ‖ next header. Null, or why it failed.
   */
  open(buf: PacketBuffer, seqLo: number, seqHi: number): EspDropReason | null {
    const at = buf.start;
    if (this.#aead !== null) {
      const ctAt = at + this.ivLength;
      this.#setNonce(buf.bytes.subarray(at, ctAt));
      const plain = this.#aead.open(
        this.#nonce,
        buf.bytes.subarray(ctAt, buf.end),
        this.#setAad(seqHi, seqLo),
        this.icvLength,
      );
      if (plain === null) return 'esp-icv-failed';
      buf.bytes.set(plain, at);
      buf.end = at + plain.length;
      return null;
    }
    if (this.#mac !== null) {
      const icv = buf.bytes.subarray(buf.end - this.icvLength, buf.end);
      if (
        !constantTimeEqual(
          this.#icv(buf.bytes.subarray(at, buf.end - this.icvLength), seqLo, seqHi),
          icv,
        )
      )
        return 'esp-icv-failed';
      buf.end -= this.icvLength;
    }
    // NULL encryption: the plaintext is already in place.
    if (this.#cipher === null) return null;
    const ctAt = at + this.ivLength;
    const plain = this.#cipher.decrypt(
      this.#counterBlock(buf.bytes.subarray(at, ctAt)),
      buf.bytes.subarray(ctAt, buf.end),
    );
    buf.bytes.set(plain, at);
    buf.end = at + plain.length;
    return null;
  }

  /** The truncated MAC over `parts`, with the high sequence bits appended under ESN (AH's ICV). */
  integrityCheckValue(parts: readonly Uint8Array[], seqHi: number): Uint8Array {
    const mac = this.#mac;
    if (mac === null) throw new RangeError(`SA ${this.#spi} has no integrity algorithm`);
    if (!this.#esn) return mac.compute(...parts);
    const hi = new Uint8Array(4);
    new DataView(hi.buffer).setUint32(0, seqHi);
    return mac.compute(...parts, hi);
  }

  #freshIv(seq: number): Uint8Array {
    if (this.ivLength === 0) return EspCipher.#noIv;
    // CBC needs an unpredictable IV (RFC 3602 §3); counter modes need a unique one: the sequence number.
    if (this.#transform.encryption === 'aes-cbc') return this.#engine.randomBytes(16);
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
    v.setUint32(0, this.#spi);
    if (this.#esn) {
      v.setUint32(4, seqHi);
      v.setUint32(8, seqLo);
      return this.#aad;
    }
    v.setUint32(4, seqLo);
    return this.#aad.subarray(0, 8);
  }

  /** CBC: the IV itself; CTR (RFC 3686 §4): nonce ‖ IV ‖ 00000001. */
  #counterBlock(iv: Uint8Array): Uint8Array {
    if (this.#transform.encryption === 'aes-cbc') return iv;
    this.#counter.set(this.#salt, 0);
    this.#counter.set(iv, 4);
    new DataView(this.#counter.buffer).setUint32(12, 1);
    return this.#counter;
  }

  /** ICV over ESP header ‖ IV ‖ ciphertext, with the high sequence bits appended under ESN (§2.2.1). */
  #icv(covered: Uint8Array, seqLo: number, seqHi: number): Uint8Array {
    const mac = this.#mac as MacKey;
    const h = new DataView(this.#header.buffer);
    h.setUint32(0, this.#spi);
    h.setUint32(4, seqLo);
    if (!this.#esn) return mac.compute(this.#header, covered);
    new DataView(this.#hi.buffer).setUint32(0, seqHi);
    return mac.compute(this.#header, covered, this.#hi);
  }
}
