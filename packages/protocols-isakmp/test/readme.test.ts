/** The README's example runs and does what the README says. */
import { twoHosts } from '../examples/two-hosts.js';

test('README example: ACQUIRE, Main Mode + Quick Mode, then ESP', () => {
  const { received, status } = twoHosts();
  expect(received).toEqual(['through ESP']);
  expect(status).toMatchObject([
    {
      peer: 'peer',
      role: 'initiator',
      state: 'ESTABLISHED',
      suite: 'AES_CBC-128/HMAC_SHA256/MODP2048',
      children: [{ name: 'udp', mode: 'transport' }],
    },
  ]);
});
