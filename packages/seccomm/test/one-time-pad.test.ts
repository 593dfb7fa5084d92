/**
 * One-time pad (issue 10): the sender's offset survives a restart (pad bytes are never used
 * twice, whatever the number of connections), and a receiver consumes an offset only once
 * the frame has authenticated (a forged frame cannot burn the next honest message's offset).
 */
import { engines } from '@conduits/crypto';
import { Adversary } from '@conduits/netsim';
import { AuditLog, resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { seccommPayload, simulatedPair, withPayload } from '@conduits/seccomm/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const key = new Map([[2, new Uint8Array(32).fill(4)]]);

function setup() {
  const file = join(mkdtempSync(join(tmpdir(), 'seccomm-otp-')), 'pad.bin');
  writeFileSync(file, engines.noble.randomBytes(4096));
  // MAC-then-encrypt: the receiver takes the pad off (order 40) before HMAC (order 20) checks.
  const config: CompositionConfig = {
    keys: { predefined: [2] },
    microProtocols: [
      { use: 'one-time-pad-privacy', params: { file } },
      { use: 'hmac-sha256-integrity', key: 2 },
      { use: 'security-audit' },
    ],
  };
  return resolveComposition(config);
}

function connect(composition: ReturnType<typeof setup>, seed: number) {
  const adversary = new Adversary();
  const p = simulatedPair(composition, { seed, adversary, keys: key });
  const got: string[] = [];
  p.server.onMessage((d) => void got.push(dec(d)));
  const offsets = () =>
    adversary.seen
      .filter((x) => x.direction === 'a->b')
      .map((x) =>
        new DataView(
          (seccommPayload(x.data) as Uint8Array).buffer,
          (seccommPayload(x.data) as Uint8Array).byteOffset + 2,
          4,
        ).getUint32(0),
      );
  return { p, got, adversary, offsets };
}

test('a restarted sender goes on where it stopped: no pad byte is used twice', () => {
  const composition = setup();
  const first = connect(composition, 1);
  first.p.client.push(enc('attack at dawn'));
  first.p.network.run();
  first.p.client.close();
  first.p.server.close();
  const second = connect(composition, 2);
  second.p.client.push(enc('attack at dusk'));
  second.p.network.run();
  expect([first.got, second.got]).toEqual([['attack at dawn'], ['attack at dusk']]);
  const [a] = first.offsets();
  const [b] = second.offsets();
  // 14 bytes of message and 32 of HMAC went out at offset 0 the first time.
  expect(a).toBe(0);
  expect(b).toBeGreaterThanOrEqual(46);
});

test('a forged frame naming the next offset does not consume it: the honest message there is delivered', () => {
  const { p, got, adversary } = connect(setup(), 3);
  p.client.push(enc('first'));
  p.network.run();
  const honest = adversary.seen.find((x) => x.direction === 'a->b') as { data: Uint8Array };
  const forged = Uint8Array.from(seccommPayload(honest.data) as Uint8Array);
  new DataView(forged.buffer).setUint32(2, 5 + 32); // the offset the client uses next
  adversary.inject('a->b', withPayload(honest.data, forged), 1);
  p.network.run();
  p.client.push(enc('second'));
  p.network.run();
  expect(got).toEqual(['first', 'second']);
  expect(p.server.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual([
    'integrity-check-failed',
  ]);
});
