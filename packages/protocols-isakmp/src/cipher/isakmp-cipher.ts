/**
 * The Cipher of one ISAKMP SA (Java Conduits' FSM / Coder / Cipher split): the only holder of
 * SKEYID, SKEYID_d, SKEYID_a and the phase-1 encryption key, in `#private` fields wiped by
 * `destroy()`. It computes the RFC 2409 §5 authentication hashes (HASH_I / HASH_R), the
 * Quick Mode and Informational HASHes (§5.5, §5.7), KEYMAT, and encrypts / decrypts message
 * bodies with AES-CBC, chaining the IV per message id (Appendix B): phase 1 from
 * hash(g^xi | g^xr), each later exchange from hash(last phase-1 block | M-ID), then the last
 * ciphertext block of the message before. A received message's IV step is only committed once
 * its HASH has verified, so a forged message leaves the chain as it was.
 */
import {
  constantTimeEqual,
  wipe,
  type CipherKey,
  type CryptoEngine,
  type MacKey,
} from '@conduits/crypto';
import {
  deriveSkeyidFamily,
  encryptionKey,
  keymat,
  phase1Iv,
  phase2Iv,
  type PrfHash,
} from './skeyid.js';

const BLOCK = 16;
const macOf = {
  sha1: 'hmac-sha1',
  sha256: 'hmac-sha256',
  sha384: 'hmac-sha384',
  sha512: 'hmac-sha512',
} as const;

export interface Phase1Keys {
  readonly engine: CryptoEngine;
  readonly hash: PrfHash;
  readonly keyLength: number;
  readonly skeyid: Uint8Array;
  readonly gxy: Uint8Array;
  readonly gxi: Uint8Array;
  readonly gxr: Uint8Array;
  readonly ckyI: Uint8Array;
  readonly ckyR: Uint8Array;
  /**
   * Opt-in, for Wireshark: receives tshark's `ikev1_decryption_table` line (`ICOOKIE,KEY`, hex).
   * The only way a key leaves the Cipher; nothing calls it unless the user asked for a key file.
   */
  readonly keyLog?: (line: string) => void;
}

/** A decrypted body and the IV the chain moves to if the message proves authentic. */
export interface Opened {
  readonly plain: Uint8Array;
  readonly nextIv: Uint8Array;
}

export class IsakmpCipher {
  readonly hash: PrfHash;
  readonly #engine: CryptoEngine;
  #skeyid: MacKey;
  #skeyidD: Uint8Array;
  #skeyidA: MacKey;
  #key: CipherKey;
  /** The IV of the next message in each exchange (0 = phase 1). */
  readonly #ivs = new Map<number, Uint8Array>();
  /** The last CBC block of phase 1, the root of every later exchange's IV. */
  #phase1Last: Uint8Array | null = null;
  #destroyed = false;

  constructor(k: Phase1Keys) {
    this.#engine = k.engine;
    this.hash = k.hash;
    const f = deriveSkeyidFamily(k.engine, k.hash, k.skeyid, k.gxy, k.ckyI, k.ckyR);
    this.#skeyid = k.engine.mac(macOf[k.hash], k.skeyid);
    this.#skeyidD = f.d;
    this.#skeyidA = k.engine.mac(macOf[k.hash], f.a);
    const ka = encryptionKey(k.engine, k.hash, f.e, k.keyLength);
    k.keyLog?.(`${hex(k.ckyI)},${hex(ka)}`);
    this.#key = k.engine.cipher(
      k.keyLength === 16 ? 'aes-128-cbc' : k.keyLength === 24 ? 'aes-192-cbc' : 'aes-256-cbc',
      ka,
    );
    wipe(ka);
    wipe(f.a);
    wipe(f.e);
    this.#ivs.set(0, phase1Iv(k.engine, k.hash, k.gxi, k.gxr, BLOCK));
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** prf(SKEYID, parts…): HASH_I and HASH_R (RFC 2409 §5). */
  authHash(...parts: Uint8Array[]): Uint8Array {
    return this.#skeyid.compute(...parts);
  }

  /** prf(SKEYID_a, parts…): Quick Mode and Informational HASHes. */
  hashA(...parts: Uint8Array[]): Uint8Array {
    return this.#skeyidA.compute(...parts);
  }

  verifyA(tag: Uint8Array, ...parts: Uint8Array[]): boolean {
    return this.#skeyidA.verify(tag, ...parts);
  }

  verifyAuth(tag: Uint8Array, ...parts: Uint8Array[]): boolean {
    return constantTimeEqual(tag, this.#skeyid.compute(...parts));
  }

  keymat(
    protocol: number,
    spi: Uint8Array,
    ni: Uint8Array,
    nr: Uint8Array,
    length: number,
    gxyQm?: Uint8Array,
  ): Uint8Array {
    return keymat(this.#engine, this.hash, this.#skeyidD, protocol, spi, ni, nr, length, gxyQm);
  }

  /** Phase 1 is over: its last CBC block roots the IVs of every later exchange. */
  endPhase1(): void {
    this.#phase1Last = this.#ivs.get(0) ?? null;
    this.#ivs.delete(0);
  }

  #iv(messageId: number): Uint8Array {
    const iv = this.#ivs.get(messageId);
    if (iv !== undefined) return iv;
    if (this.#phase1Last === null) throw new RangeError('no IV: phase 1 is not over');
    return phase2Iv(this.#engine, this.hash, this.#phase1Last, messageId, BLOCK);
  }

  /** Encrypt a payload chain (zero-padded to the block) for message `messageId`; the chain moves on. */
  encrypt(messageId: number, plain: Uint8Array): Uint8Array {
    const padded = new Uint8Array(Math.ceil(plain.length / BLOCK) * BLOCK || BLOCK);
    padded.set(plain);
    const ct = this.#key.encrypt(this.#iv(messageId), padded);
    this.#ivs.set(messageId, ct.slice(ct.length - BLOCK));
    return ct;
  }

  /** Decrypt a body; null when it is not whole blocks. The chain does not move until `commit`. */
  decrypt(messageId: number, ct: Uint8Array): Opened | null {
    if (ct.length === 0 || ct.length % BLOCK !== 0) return null;
    if (messageId !== 0 && this.#phase1Last === null && !this.#ivs.has(messageId)) return null;
    const plain = this.#key.decrypt(this.#iv(messageId), ct);
    return { plain, nextIv: ct.slice(ct.length - BLOCK) };
  }

  /** The message decrypted with `opened` was authentic: move its exchange's IV chain. */
  commit(messageId: number, opened: Opened): void {
    this.#ivs.set(messageId, opened.nextIv);
  }

  /** An exchange is over: forget its IV. */
  forget(messageId: number): void {
    if (messageId !== 0) this.#ivs.delete(messageId);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#skeyid.destroy();
    this.#skeyidA.destroy();
    this.#key.destroy();
    wipe(this.#skeyidD);
    this.#ivs.clear();
  }

  toString(): string {
    return `IsakmpCipher(${this.hash}, ${this.#destroyed ? 'destroyed' : 'live'})`;
  }
}

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
