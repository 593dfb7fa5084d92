/**
 * Crypto engine benchmarks: per engine and AEAD/cipher, seal+open packets per second at 64,
 * 512 and 1400 bytes, with the node/noble ratio measured in the same run.
 */
import { emit, compare, round2 } from '@conduits/core/bench';
import { engines, aeadKeyLength, type AeadAlgorithm, type CryptoEngine } from '../src/index.js';

const sizes = [64, 512, 1400];
const aeads: AeadAlgorithm[] = ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];

function sealOpen(engine: CryptoEngine, alg: AeadAlgorithm, size: number): (n: number) => void {
  const key = engine.aead(alg, new Uint8Array(aeadKeyLength[alg]).fill(7));
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(8);
  const pt = new Uint8Array(size).fill(1);
  return (n) => {
    for (let i = 0; i < n; i++) {
      nonce[11] = i & 0xff;
      const sealed = key.seal(nonce, pt, aad);
      if (key.open(nonce, sealed, aad) === null) throw new Error('open failed');
    }
  };
}

for (const alg of aeads) {
  for (const size of sizes) {
    const n = size > 512 ? 4000 : 10000;
    const [node, noble, ratio] = compare(
      sealOpen(engines.node, alg, size),
      sealOpen(engines.noble, alg, size),
      n,
      5,
    );
    emit({
      bench: `aead-${alg}-${size}`,
      unit: 'pkt/s',
      value: node,
      baseline: `noble ${alg}`,
      baselineValue: noble,
      ratio: round2(ratio),
      note: 'seal+open per packet; value = node engine, baseline = noble engine',
    });
  }
}

for (const alg of ['aes-128-cbc', 'aes-128-ctr'] as const) {
  for (const size of sizes) {
    const mk = (e: CryptoEngine) => {
      const k = e.cipher(alg, new Uint8Array(16).fill(3));
      const mac = e.mac('hmac-sha256', new Uint8Array(32).fill(4), 16);
      const iv = new Uint8Array(16);
      const pt = new Uint8Array(Math.ceil(size / 16) * 16); // ESP pads CBC input to whole blocks
      return (n: number) => {
        for (let i = 0; i < n; i++) {
          const ct = k.encrypt(iv, pt);
          const tag = mac.compute(ct);
          if (!mac.verify(tag, ct)) throw new Error('mac');
          k.decrypt(iv, ct);
        }
      };
    };
    const [node, noble, ratio] = compare(
      mk(engines.node),
      mk(engines.noble),
      size > 512 ? 3000 : 8000,
      5,
    );
    emit({
      bench: `${alg}-hmac-sha256-128-${size}`,
      unit: 'pkt/s',
      value: node,
      baseline: `noble ${alg}+hmac`,
      baselineValue: noble,
      ratio: round2(ratio),
      note: 'encrypt+MAC+verify+decrypt per packet; value = node engine',
    });
  }
}
