/** The README's group-arithmetic example, kept compiling by `pnpm typecheck`. */
import { engines } from '@conduits/crypto';

const g = engines.noble.group('ed25519');
const a = g.randomScalar();
const A = a.publicPoint(); // G·a
const b = a.times(3n); // a new SecretScalar
b.publicPoint().equals(A.multiply(3n)); // true
a.destroy();
b.destroy();
