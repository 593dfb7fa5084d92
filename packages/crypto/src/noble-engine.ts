/**
 * The default engine: pure TypeScript/JS from @noble/ciphers, @noble/hashes, @noble/curves.
 */
import { cbc, ctr, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandom } from '@noble/hashes/utils.js';
import {
  hashLength,
  macHash,
  type AeadAlgorithm,
  type CipherAlgorithm,
  type HashAlgorithm,
  type KeyAgreementGroup,
  type SignatureAlgorithm,
} from './algorithms.js';
import { constantTimeEqual, wipe } from './constant-time.js';
import type {
  AeadKey,
  CipherKey,
  CryptoEngine,
  KeyAgreementKey,
  MacKey,
  SigningKey,
} from './engine.js';
import { InvalidKeyError, InvalidParameterError } from './errors.js';
import {
  checkAead,
  checkAeadCall,
  checkCipher,
  checkCipherInput,
  checkScrypt,
  ed25519PublicKeyAcceptable,
} from './checks.js';
import { KeyHolder, MacKeyBase } from './key-holder.js';
import {
  bigintToBytes,
  bytesToBigint,
  checkModpPublic,
  modPow,
  modp1024,
  modp2048,
  modpPublicOf,
  type ModpGroup,
} from './modp.js';
import { nobleGroup } from './noble-groups.js';

const hashes = { sha1, sha256, sha384, sha512, md5 } as const;

class NobleAead extends KeyHolder implements AeadKey {
  readonly nonceLength = 12;
  constructor(
    readonly algorithm: AeadAlgorithm,
    key: Uint8Array,
  ) {
    checkAead(algorithm, key);
    super(`aead ${algorithm}`, key);
  }
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength = 16): Uint8Array {
    checkAeadCall(this.algorithm, nonce, tagLength);
    const full = this.withKey((k) => this.#cipher(k, nonce, aad).encrypt(plaintext));
    return tagLength === 16 ? full : full.subarray(0, plaintext.length + tagLength);
  }
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength = 16): Uint8Array | null {
    checkAeadCall(this.algorithm, nonce, tagLength);
    if (sealed.length < tagLength) return null;
    return this.withKey((k) => {
      if (tagLength === 16) {
        try {
          return this.#cipher(k, nonce, aad).decrypt(sealed);
        } catch {
          return null;
        }
      }
      // A truncated GCM ICV (RFC 4106: 8 or 12 bytes): decrypt with GCM's counter (J0 + 1,
      // i.e. nonce ‖ 00000002), recompute the full tag over the result, compare the prefix.
      const body = sealed.subarray(0, sealed.length - tagLength);
      const counter = new Uint8Array(16);
      counter.set(nonce);
      counter[15] = 2;
      const plaintext = ctr(k, counter).decrypt(body);
      const full = gcm(k, nonce, aad).encrypt(plaintext);
      const ok = constantTimeEqual(
        full.subarray(body.length, body.length + tagLength),
        sealed.subarray(body.length),
      );
      wipe(full);
      if (ok) return plaintext;
      wipe(plaintext);
      return null;
    });
  }
  #cipher(k: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) {
    return this.algorithm === 'chacha20-poly1305'
      ? chacha20poly1305(k, nonce, aad)
      : gcm(k, nonce, aad);
  }
}

class NobleCipher extends KeyHolder implements CipherKey {
  constructor(
    readonly algorithm: CipherAlgorithm,
    key: Uint8Array,
  ) {
    checkCipher(algorithm, key);
    super(`cipher ${algorithm}`, key);
  }
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    checkCipherInput(this.algorithm, iv, data);
    return this.withKey((k) => this.#mode(k, iv).encrypt(data));
  }
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    checkCipherInput(this.algorithm, iv, data);
    return this.withKey((k) => this.#mode(k, iv).decrypt(data));
  }
  #mode(k: Uint8Array, iv: Uint8Array) {
    return this.algorithm.endsWith('-cbc') ? cbc(k, iv, { disablePadding: true }) : ctr(k, iv);
  }
}

class NobleMac extends MacKeyBase implements MacKey {
  protected full(k: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
    const h = hmac.create(hashes[macHash[this.algorithm]], k);
    for (const p of parts) h.update(p);
    return h.digest();
  }
}

class NobleKeyAgreement extends KeyHolder implements KeyAgreementKey {
  readonly publicKey: Uint8Array;
  constructor(
    readonly group: KeyAgreementGroup,
    priv: Uint8Array,
  ) {
    super(`key-agreement ${group}`, priv);
    this.publicKey = this.withKey((k) => publicOf(group, k));
  }
  deriveShared(peer: Uint8Array): Uint8Array {
    return this.withKey((k) => {
      switch (this.group) {
        case 'x25519': {
          if (peer.length !== 32)
            throw new InvalidKeyError('x25519', 'public value must be 32 bytes');
          try {
            return x25519.getSharedSecret(k, peer);
          } catch {
            throw new InvalidKeyError('x25519', 'low-order public value');
          }
        }
        case 'p256': {
          if (peer.length !== 64)
            throw new InvalidKeyError('p256', 'public value must be x‖y, 64 bytes');
          const sec1 = new Uint8Array(65);
          sec1[0] = 4;
          sec1.set(peer, 1);
          try {
            return p256.getSharedSecret(k, sec1, true).slice(1);
          } catch {
            throw new InvalidKeyError('p256', 'point not on curve');
          }
        }
        case 'modp1024':
        case 'modp2048': {
          const g = modpGroup(this.group);
          return bigintToBytes(
            modPow(checkModpPublic(g, peer), bytesToBigint(k), g.prime),
            g.bytes,
          );
        }
      }
    });
  }
}

class NobleSigningKey extends KeyHolder implements SigningKey {
  readonly publicKey: Uint8Array;
  constructor(
    readonly algorithm: SignatureAlgorithm,
    priv: Uint8Array,
  ) {
    if (priv.length !== 32) throw new InvalidKeyError(algorithm, 'private key must be 32 bytes');
    super(`signing-key ${algorithm}`, priv);
    this.publicKey = this.withKey((k) =>
      algorithm === 'ed25519' ? ed25519.getPublicKey(k) : p256.getPublicKey(k, false),
    );
  }
  sign(message: Uint8Array): Uint8Array {
    return this.withKey((k) =>
      this.algorithm === 'ed25519'
        ? ed25519.sign(message, k)
        : p256.sign(message, k, { prehash: true }),
    );
  }
}

function modpGroup(g: 'modp1024' | 'modp2048'): ModpGroup {
  return g === 'modp1024' ? modp1024 : modp2048;
}

function publicOf(group: KeyAgreementGroup, k: Uint8Array): Uint8Array {
  switch (group) {
    case 'x25519':
      if (k.length !== 32) throw new InvalidKeyError(group, 'private key must be 32 bytes');
      return x25519.getPublicKey(k);
    case 'p256':
      if (k.length !== 32) throw new InvalidKeyError(group, 'private key must be 32 bytes');
      return p256.getPublicKey(k, false).slice(1);
    default: {
      const g = modpGroup(group);
      return modpPublicOf(g, k, (e) => modPow(g.generator, e, g.prime));
    }
  }
}

export function newPrivateValue(
  group: KeyAgreementGroup,
  random: (n: number) => Uint8Array,
): Uint8Array {
  if (group === 'p256') return p256.utils.randomSecretKey();
  return random(32);
}

export const nobleEngine: CryptoEngine = {
  name: 'noble',
  aead: (algorithm, key) => new NobleAead(algorithm, key),
  cipher: (algorithm, key) => new NobleCipher(algorithm, key),
  mac: (algorithm, key, truncateTo, options) => new NobleMac(algorithm, key, truncateTo, options),
  hash(algorithm: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
    const h = hashes[algorithm].create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  hkdf: (hash, ikm, salt, info, length) => {
    if (length > 255 * hashLength[hash])
      throw new InvalidParameterError(`hkdf-${hash}`, 'output too long');
    return nobleHkdf(hashes[hash], ikm, salt, info, length);
  },
  scrypt(password, salt, params) {
    checkScrypt(params);
    return nobleScrypt(password, salt, {
      N: params.N,
      r: params.r,
      p: params.p,
      dkLen: params.dkLen,
    });
  },
  keyAgreement(group, privateKey) {
    const priv = privateKey ?? newPrivateValue(group, nobleRandom);
    return new NobleKeyAgreement(group, priv);
  },
  signingKey(algorithm, privateKey) {
    const priv =
      privateKey ??
      (algorithm === 'ed25519' ? ed25519.utils.randomSecretKey() : p256.utils.randomSecretKey());
    return new NobleSigningKey(algorithm, priv);
  },
  verify(algorithm, publicKey, message, signature) {
    try {
      if (algorithm === 'ed25519')
        return (
          ed25519PublicKeyAcceptable(publicKey) && ed25519.verify(signature, message, publicKey)
        );
      return p256.verify(signature, message, publicKey, { prehash: true, lowS: false });
    } catch {
      return false;
    }
  },
  randomBytes: (n) => nobleRandom(n),
  // node:crypto has no scalar or point arithmetic, so both engines share noble's groups.
  group: (name) => nobleGroup(name),
};
