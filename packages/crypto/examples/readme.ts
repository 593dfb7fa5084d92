/** The README's example, kept compiling by `pnpm typecheck` (a test checks the README shows exactly this). */
import { engines } from '@conduits/crypto';
const engine = engines.noble;
const key = engine.randomBytes(32);
const aead = engine.aead('chacha20-poly1305', key);
key.fill(0); // the key object has its own copy
const nonce = new Uint8Array(12);
const sealed = aead.seal(nonce, new TextEncoder().encode('hi'), /* aad */ new Uint8Array(0));
const opened = aead.open(nonce, sealed, new Uint8Array(0)); // null if tampered
console.log(opened && new TextDecoder().decode(opened)); // hi
aead.destroy();
