/** The README's example runs and both signatures verify with node:crypto. */
import { quickstart } from '../examples/quickstart.js';

test('README quickstart: DKG, sign, refresh, sign; node:crypto verifies both under one key', () => {
  const { publicKey, verified } = quickstart();
  expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
  expect(verified).toEqual([true, true]);
});
