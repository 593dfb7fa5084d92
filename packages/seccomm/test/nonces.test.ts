/**
 * Nonces (issue 10): each direction has its own key; an AEAD nonce is 4 random bytes ‖ a
 * 64-bit count of the messages sent under that key; after `nonceLimit` messages the key is
 * replaced (when some distribution can replace it) and nothing is sent past the limit, so no
 * nonce is ever used twice under one key. The limit is injected small here.
 */
import { AuditLog, presets, resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { seccommPayload, simulatedPair } from '@conduits/seccomm/testing';
import { Adversary } from '@conduits/netsim';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function run(config: CompositionConfig, n: number) {
  const adversary = new Adversary();
  const p = simulatedPair(resolveComposition(config), { seed: 41, adversary });
  const got: string[] = [];
  p.server.onMessage((d) => void got.push(dec(d)));
  p.network.run();
  for (let i = 0; i < n; i++) p.network.scheduler.after(i * 5, () => p.client.push(enc(`m${i}`)));
  p.network.run();
  /** [epoch byte, nonce hex] of every client data frame on the wire. */
  const frames = adversary.seen
    .filter((x) => x.direction === 'a->b' && seccommPayload(x.data)?.[0] === 0)
    .map((x) => seccommPayload(x.data) as Uint8Array);
  return { p, got, frames };
}

test('the nonce is 4 random bytes and a 64-bit message count under the key', () => {
  const { frames, got } = run(
    { keys: { predefined: [1] }, microProtocols: [{ use: 'aes-128-gcm-privacy', key: 1 }] },
    3,
  );
  expect(got).toEqual(['m0', 'm1', 'm2']);
  const counts = frames.map((f) => new DataView(f.buffer, f.byteOffset + 2 + 4, 8).getBigUint64(0));
  expect(counts).toEqual([1n, 2n, 3n]);
  expect(new Set(frames.map((f) => Buffer.from(f.subarray(2, 6)).toString('hex'))).size).toBe(1);
});

test('a predefined key refuses to send past the nonce limit: no nonce repeats, loudly', () => {
  const config: CompositionConfig = {
    keys: { predefined: [1] },
    microProtocols: [
      { use: 'aes-128-gcm-privacy', key: 1, params: { nonceLimit: 4 } },
      { use: 'security-audit' },
    ],
  };
  const { got, frames, p } = run(config, 6);
  expect(got).toEqual(['m0', 'm1', 'm2', 'm3']);
  expect(new Set(frames.map((f) => Buffer.from(f.subarray(2, 14)).toString('hex'))).size).toBe(
    frames.length,
  );
  expect(p.client.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual([
    'nonce-limit',
    'nonce-limit',
  ]);
});

test('a distributed key is replaced before its nonce limit: every message arrives, no nonce repeats under a key', () => {
  const esp = presets['esp-like'];
  const config: CompositionConfig = {
    ...esp,
    microProtocols: esp.microProtocols.map((m) =>
      m.use === 'aes-128-gcm-privacy' ? { ...m, params: { nonceLimit: 8 } } : m,
    ),
  };
  const { got, frames, p } = run(config, 40);
  expect(got).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
  // Rekeyed every six messages (at the limit less a quarter).
  expect(p.client.conn.shared.get(Keys).epoch).toBeGreaterThanOrEqual(5);
  const seen = new Set<string>();
  for (const f of frames) {
    const k = `${f[1]}:${Buffer.from(f.subarray(2, 14)).toString('hex')}`;
    expect(seen.has(k)).toBe(false);
    seen.add(k);
    expect(new DataView(f.buffer, f.byteOffset + 6, 8).getBigUint64(0)).toBeLessThanOrEqual(8n);
  }
});
import { Keys } from '@conduits/seccomm/internal';

test('keyed-digest authenticity counts its nonces the same way and stops at its limit', () => {
  const config: CompositionConfig = {
    keys: { predefined: [1] },
    microProtocols: [
      { use: 'sha256-digest' },
      { use: 'keyed-digest-authenticity', key: 1, params: { nonceLimit: 3 } },
      { use: 'security-audit' },
    ],
  };
  const { got, frames, p } = run(config, 5);
  expect(got).toEqual(['m0', 'm1', 'm2']);
  // [kind][epoch] message ‖ nonce (4 random ‖ count u64) ‖ sealed digest (32 + 16)
  expect(
    frames.map((f) => new DataView(f.buffer, f.byteOffset + f.length - 48 - 8, 8).getBigUint64(0)),
  ).toEqual([1n, 2n, 3n]);
  expect(p.client.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual([
    'nonce-limit',
    'nonce-limit',
  ]);
});
