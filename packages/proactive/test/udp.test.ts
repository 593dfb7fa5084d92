/**
 * Over real UDP between processes: three server processes in a network namespace of their
 * own (loopback only) run a DKG and a refresh; every server verifies its new share and all
 * report the same key. (Real time, but nothing is asserted about timing.)
 */
import { udpRefresh } from '../bench/udp.js';

test('3 processes over UDP: DKG, a refresh, a FROST signature; all shares verify under one key', async () => {
  const r = await udpRefresh(3, 1);
  expect(r.allVerified).toBe(true);
  expect(r.sameKey).toBe(true);
  // FROST signing rounds over the same UDP broadcast: one signature, node:crypto accepts it.
  expect(r.signatureVerified).toBe(true);
}, 120_000);
