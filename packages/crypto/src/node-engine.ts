/**
 * The node:crypto engine (OpenSSL): faster on large packets. Key bytes stay in `#private`
 * Secrets; OpenSSL receives them per operation.
 */
import * as nc from 'node:crypto';
import {
  hashLength,
  macHash,
  type AeadAlgorithm,
  type CipherAlgorithm,
  type KeyAgreementGroup,
  type SignatureAlgorithm,
} from './algorithms.js';
import {
  checkAead,
  checkAeadCall,
  checkCipher,
  checkCipherInput,
  checkScrypt,
  ed25519PublicKeyAcceptable,
} from './checks.js';
import { KeyHolder, MacKeyBase } from './key-holder.js';
import { wipe } from './constant-time.js';
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
  bigintToBytes,
  bytesToBigint,
  checkModpPublic,
  modp1024,
  modp2048,
  modpPublicOf,
} from './modp.js';
import { newPrivateValue } from './noble-engine.js';
import { nobleGroup } from './noble-groups.js';

const u8 = (b: Buffer | ArrayBuffer): Uint8Array =>
  b instanceof ArrayBuffer
    ? new Uint8Array(b)
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

// DER wrappers for raw 32-byte curve keys (RFC 8410).
const PKCS8 = {
  ed25519: '302e020100300506032b657004220420',
  x25519: '302e020100300506032b656e04220420',
} as const;
const SPKI = { ed25519: '302a300506032b6570032100', x25519: '302a300506032b656e032100' } as const;
const privateKeyObject = (kind: 'ed25519' | 'x25519', raw: Uint8Array): nc.KeyObject =>
  nc.createPrivateKey({
    key: Buffer.concat([Buffer.from(PKCS8[kind], 'hex'), buf(raw)]),
    format: 'der',
    type: 'pkcs8',
  });
const publicKeyObject = (kind: 'ed25519' | 'x25519', raw: Uint8Array): nc.KeyObject =>
  nc.createPublicKey({
    key: Buffer.concat([Buffer.from(SPKI[kind], 'hex'), buf(raw)]),
    format: 'der',
    type: 'spki',
  });
const rawPublic = (k: nc.KeyObject): Uint8Array =>
  u8(k.export({ format: 'der', type: 'spki' })).slice(-32);

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const p256Jwk = (pub65: Uint8Array, priv?: Uint8Array): nc.JsonWebKey => ({
  kty: 'EC',
  crv: 'P-256',
  x: b64url(pub65.subarray(1, 33)),
  y: b64url(pub65.subarray(33, 65)),
  ...(priv ? { d: b64url(priv) } : {}),
});

class NodeAead extends KeyHolder implements AeadKey {
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
    return this.withKey((k) => {
      const c = nc.createCipheriv(this.algorithm as nc.CipherGCMTypes, buf(k), buf(nonce), {
        authTagLength: tagLength,
      });
      if (aad) c.setAAD(buf(aad), { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + tagLength);
      const body = c.update(buf(plaintext));
      out.set(body);
      out.set(c.final(), body.length);
      out.set(c.getAuthTag(), plaintext.length);
      return out;
    });
  }
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength = 16): Uint8Array | null {
    checkAeadCall(this.algorithm, nonce, tagLength);
    if (sealed.length < tagLength) return null;
    return this.withKey((k) => {
      const n = sealed.length - tagLength;
      const d = nc.createDecipheriv(this.algorithm as nc.CipherGCMTypes, buf(k), buf(nonce), {
        authTagLength: tagLength,
      });
      d.setAuthTag(buf(sealed.subarray(n)));
      if (aad) d.setAAD(buf(aad), { plaintextLength: n });
      const body = d.update(buf(sealed.subarray(0, n)));
      try {
        d.final();
      } catch {
        wipe(body);
        return null;
      }
      return u8(body);
    });
  }
}

class NodeCipher extends KeyHolder implements CipherKey {
  constructor(
    readonly algorithm: CipherAlgorithm,
    key: Uint8Array,
  ) {
    checkCipher(algorithm, key);
    super(`cipher ${algorithm}`, key);
  }
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.#run(true, iv, data);
  }
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
    return this.#run(false, iv, data);
  }
  #run(encrypt: boolean, iv: Uint8Array, data: Uint8Array): Uint8Array {
    checkCipherInput(this.algorithm, iv, data);
    const cbc = this.algorithm.endsWith('-cbc');
    return this.withKey((k) => {
      const c = encrypt
        ? nc.createCipheriv(this.algorithm, buf(k), buf(iv))
        : nc.createDecipheriv(this.algorithm, buf(k), buf(iv));
      if (cbc) c.setAutoPadding(false);
      return u8(Buffer.concat([c.update(buf(data)), c.final()]));
    });
  }
}

class NodeMac extends MacKeyBase implements MacKey {
  protected full(k: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
    const h = nc.createHmac(macHash[this.algorithm], buf(k));
    for (const p of parts) h.update(p);
    return u8(h.digest());
  }
}

class NodeKeyAgreement extends KeyHolder implements KeyAgreementKey {
  readonly publicKey: Uint8Array;
  constructor(
    readonly group: KeyAgreementGroup,
    priv: Uint8Array,
  ) {
    if ((group === 'x25519' || group === 'p256') && priv.length !== 32)
      throw new InvalidKeyError(group, 'private key must be 32 bytes');
    super(`key-agreement ${group}`, priv);
    this.publicKey = this.withKey((k) => {
      switch (group) {
        case 'x25519':
          return rawPublic(nc.createPublicKey(privateKeyObject('x25519', k)));
        case 'p256': {
          const e = nc.createECDH('prime256v1');
          e.setPrivateKey(buf(k));
          return u8(e.getPublicKey()).slice(1);
        }
        default: {
          const g = group === 'modp1024' ? modp1024 : modp2048;
          const dh = nc.createDiffieHellman(
            buf(bigintToBytes(g.prime, g.bytes)),
            buf(Uint8Array.of(2)),
          );
          return modpPublicOf(g, k, () => {
            dh.setPrivateKey(buf(k));
            return bytesToBigint(u8(dh.generateKeys()));
          });
        }
      }
    });
  }
  deriveShared(peer: Uint8Array): Uint8Array {
    return this.withKey((k) => {
      switch (this.group) {
        case 'x25519': {
          if (peer.length !== 32)
            throw new InvalidKeyError('x25519', 'public value must be 32 bytes');
          try {
            return u8(
              nc.diffieHellman({
                privateKey: privateKeyObject('x25519', k),
                publicKey: publicKeyObject('x25519', peer),
              }),
            );
          } catch {
            throw new InvalidKeyError('x25519', 'low-order public value');
          }
        }
        case 'p256': {
          if (peer.length !== 64)
            throw new InvalidKeyError('p256', 'public value must be x‖y, 64 bytes');
          const e = nc.createECDH('prime256v1');
          e.setPrivateKey(buf(k));
          try {
            return u8(e.computeSecret(Buffer.concat([Buffer.of(4), buf(peer)])));
          } catch {
            throw new InvalidKeyError('p256', 'point not on curve');
          }
        }
        default: {
          const g = this.group === 'modp1024' ? modp1024 : modp2048;
          checkModpPublic(g, peer);
          const dh = nc.createDiffieHellman(
            buf(bigintToBytes(g.prime, g.bytes)),
            buf(Uint8Array.of(2)),
          );
          dh.setPrivateKey(buf(k));
          return leftPad(u8(dh.computeSecret(buf(peer))), g.bytes);
        }
      }
    });
  }
}

class NodeSigningKey extends KeyHolder implements SigningKey {
  readonly publicKey: Uint8Array;
  constructor(
    readonly algorithm: SignatureAlgorithm,
    priv: Uint8Array,
  ) {
    if (priv.length !== 32) throw new InvalidKeyError(algorithm, 'private key must be 32 bytes');
    super(`signing-key ${algorithm}`, priv);
    this.publicKey = this.withKey((k) => {
      if (algorithm === 'ed25519')
        return rawPublic(nc.createPublicKey(privateKeyObject('ed25519', k)));
      const e = nc.createECDH('prime256v1');
      e.setPrivateKey(buf(k));
      return u8(e.getPublicKey());
    });
  }
  /**
   * OpenSSL's key object, made on first use and kept (building it costs more than signing).
   * It lives only in this #private field; destroy() drops it, and OpenSSL cleanses the key
   * when it frees it. The raw bytes stay in the wiped Secret as for every key.
   */
  #keyObject: nc.KeyObject | null = null;
  sign(message: Uint8Array): Uint8Array {
    return this.withKey((k) => {
      this.#keyObject ??=
        this.algorithm === 'ed25519'
          ? privateKeyObject('ed25519', k)
          : nc.createPrivateKey({ key: p256Jwk(this.publicKey, k), format: 'jwk' });
      if (this.algorithm === 'ed25519') return u8(nc.sign(null, message, this.#keyObject));
      return u8(nc.sign('sha256', message, { key: this.#keyObject, dsaEncoding: 'ieee-p1363' }));
    });
  }
  override destroy(): void {
    this.#keyObject = null;
    super.destroy();
  }
}

/** Public key objects by algorithm and key bytes (public, so caching them is safe), bounded. */
const publicKeyObjects = new Map<string, nc.KeyObject>();
function cachedPublicKey(
  algorithm: SignatureAlgorithm,
  raw: Uint8Array,
  make: () => nc.KeyObject,
): nc.KeyObject {
  const id = `${algorithm}:${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')}`;
  let k = publicKeyObjects.get(id);
  if (k === undefined) {
    if (publicKeyObjects.size >= 256)
      publicKeyObjects.delete(publicKeyObjects.keys().next().value as string);
    publicKeyObjects.set(id, (k = make()));
  }
  return k;
}

function leftPad(b: Uint8Array, n: number): Uint8Array {
  if (b.length === n) return b;
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

export const nodeEngine: CryptoEngine = {
  name: 'node',
  aead: (algorithm, key) => new NodeAead(algorithm, key),
  cipher: (algorithm, key) => new NodeCipher(algorithm, key),
  mac: (algorithm, key, truncateTo, options) => new NodeMac(algorithm, key, truncateTo, options),
  hash(algorithm, ...parts) {
    const h = nc.createHash(algorithm);
    for (const p of parts) h.update(p);
    return u8(h.digest());
  },
  hkdf(hash, ikm, salt, info, length) {
    if (length > 255 * hashLength[hash])
      throw new InvalidParameterError(`hkdf-${hash}`, 'output too long');
    return u8(nc.hkdfSync(hash, ikm, salt, info, length));
  },
  scrypt(password, salt, params) {
    checkScrypt(params);
    // OpenSSL refuses when 128·N·r exceeds maxmem (32 MiB by default): allow what the parameters need.
    return u8(
      nc.scryptSync(password, salt, params.dkLen, {
        N: params.N,
        r: params.r,
        p: params.p,
        maxmem: 256 * params.N * params.r + (1 << 20),
      }),
    );
  },
  keyAgreement(group, privateKey) {
    return new NodeKeyAgreement(
      group,
      privateKey ?? newPrivateValue(group, (n) => u8(nc.randomBytes(n))),
    );
  },
  signingKey(algorithm, privateKey) {
    if (privateKey) return new NodeSigningKey(algorithm, privateKey);
    const seed =
      algorithm === 'ed25519'
        ? u8(nc.randomBytes(32))
        : newPrivateValue('p256', (n) => u8(nc.randomBytes(n)));
    return new NodeSigningKey(algorithm, seed);
  },
  verify(algorithm, publicKey, message, signature) {
    try {
      if (algorithm === 'ed25519')
        return (
          ed25519PublicKeyAcceptable(publicKey) &&
          nc.verify(
            null,
            message,
            cachedPublicKey(algorithm, publicKey, () => publicKeyObject('ed25519', publicKey)),
            signature,
          )
        );
      if (publicKey.length !== 65 || publicKey[0] !== 4 || signature.length !== 64) return false;
      const key = cachedPublicKey(algorithm, publicKey, () =>
        nc.createPublicKey({ key: p256Jwk(publicKey), format: 'jwk' }),
      );
      return nc.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  },
  randomBytes: (n) => u8(nc.randomBytes(n)),
  // node:crypto has no scalar or point arithmetic, so both engines share noble's groups.
  group: (name) => nobleGroup(name),
};
