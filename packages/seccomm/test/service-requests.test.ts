/**
 * KDC and CA request ids (issue 10): random (from the network's seeded generator here), bound
 * into the authenticated reply; a forged reply, a reply for another request, or an older reply
 * replayed under the live request's id is refused, and the genuine reply still completes the call.
 */
import { AuditLog, resolveComposition, type CompositionConfig } from '@conduits/seccomm';
import { Keys, keyMiss, PublicKeys, replaceKey } from '@conduits/seccomm/internal';
import { simulatedPair, withPayload } from '@conduits/seccomm/testing';
import { Adversary, type InFlight } from '@conduits/netsim';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const srcPort = (p: Uint8Array): number => (p[40]! << 8) | p[41]!;
const dstPort = (p: Uint8Array): number => (p[42]! << 8) | p[43]!;
const payload = (p: Uint8Array): Uint8Array => p.subarray(48);

const kdcConfig: CompositionConfig = {
  keys: { predefined: [9] },
  microProtocols: [
    { use: 'aes-256-gcm-privacy', key: 1 },
    { use: 'kdc-key-distribution', key: 1, params: { kdc: '[2001:db8::ca]:88', masterKey: 9 } },
    { use: 'security-audit' },
  ],
};
const caConfig: CompositionConfig = {
  keys: { predefined: [1], privateKey: true, publicKeys: 'acquire' },
  ca: '[2001:db8::ca]:5280',
  microProtocols: [
    { use: 'aes-128-gcm-privacy', key: 1 },
    { use: 'signature-authenticity' },
    { use: 'security-audit' },
  ],
};
/** Replies from a service to the client cross the client's link b → a. */
const replyFrom =
  (port: number) =>
  (p: InFlight): boolean =>
    p.direction === 'b->a' && srcPort(p.data) === port;
const requestTo =
  (port: number) =>
  (p: InFlight): boolean =>
    p.direction === 'a->b' && dstPort(p.data) === port;

describe('KDC requests', () => {
  test('request ids are not sequential: they come from the seeded generator (the same seed gives the same ids)', () => {
    const ids = (seed: number): number[] => {
      const adversary = new Adversary();
      const p = simulatedPair(resolveComposition(kdcConfig), { seed, adversary });
      const seen: number[] = [];
      adversary.rule((pk) => {
        if (requestTo(88)(pk))
          seen.push(
            new DataView(payload(pk.data).buffer, payload(pk.data).byteOffset).getUint32(0),
          );
        return 'pass';
      });
      p.network.run();
      return seen;
    };
    const a = ids(31);
    expect(a.length).toBeGreaterThan(0);
    expect(a[0]).not.toBe(1);
    expect(ids(31)).toEqual(a);
    expect(ids(32)).not.toEqual(a);
  });

  test('a forged reply carrying the live request id, arriving first, is refused; the genuine reply still gives the key', () => {
    const adversary = new Adversary();
    const p = simulatedPair(resolveComposition(kdcConfig), { seed: 33, adversary });
    let forged = 0;
    adversary.rule((pk) => {
      if (!replyFrom(88)(pk) || forged > 0) return 'pass';
      // Same id, body of the right size but not sealed under the client's master key; the genuine reply comes 1 ms later.
      const body = Uint8Array.from(payload(pk.data));
      body.fill(0x5a, 5);
      adversary.inject('b->a', withPayload(pk.data, body));
      forged++;
      return { delay: 1 };
    });
    const got: string[] = [];
    p.server.onMessage((d) => void got.push(dec(d)));
    p.client.push(enc('after a forged KDC reply'));
    p.network.run();
    expect(forged).toBe(1);
    expect(got).toEqual(['after a forged KDC reply']);
    expect(p.client.conn.shared.get(Keys).get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
    const reasons = p.client.conn.shared.get(AuditLog).map((a) => a.reason);
    expect(reasons).not.toContain('key-distribution-failed');
    expect(reasons).toContain('kdc-reply-refused');
  });
});

test("KDC: an older reply replayed under a rekey's request id is refused; the rekey completes with the genuine reply", () => {
  const adversary = new Adversary();
  const p = simulatedPair(resolveComposition(kdcConfig), { seed: 35, adversary });
  p.network.run();
  const old = adversary.seen.filter(replyFrom(88));
  expect(old).toHaveLength(1);
  adversary.rule((pk) => {
    if (!requestTo(88)(pk)) return 'pass';
    const replay = Uint8Array.from(payload(old[0]!.data));
    replay.set(payload(pk.data).subarray(0, 4));
    adversary.inject('b->a', withPayload(old[0]!.data, replay), 0);
    return 'pass';
  });
  p.client.conn.runtime.raise(replaceKey(1), null);
  p.network.run();
  const ck = p.client.conn.shared.get(Keys);
  expect(ck.epoch).toBe(2);
  expect(ck.get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
  const reasons = p.client.conn.shared.get(AuditLog).map((a) => a.reason);
  expect(reasons).toContain('kdc-reply-refused');
  expect(reasons).not.toContain('key-distribution-failed');
});

describe('CA requests', () => {
  test('an older certificate reply replayed under the live request id is refused; the current certificate is the one used', () => {
    const adversary = new Adversary();
    const p = simulatedPair(resolveComposition(caConfig), { seed: 34, adversary });
    p.network.run();
    const old = adversary.seen.filter(replyFrom(5280));
    expect(old.length).toBe(1);
    expect(p.client.conn.shared.get(PublicKeys).get('server')).toEqual(p.publicKeys.server.signing);
    // The CA certifies a new key for the server (the old one was retired); the client looks it up again.
    const fresh = new Uint8Array(32).fill(7);
    p.ca!.certify('server', { algorithm: 'ed25519', publicKey: fresh }, p.network.scheduler.now());
    adversary.rule((pk) => {
      if (!requestTo(5280)(pk)) return 'pass';
      // On path: the attacker reads the new request's id and answers first with the old reply under it.
      const replay = Uint8Array.from(payload(old[0]!.data));
      replay.set(payload(pk.data).subarray(0, 4));
      adversary.inject('b->a', withPayload(old[0]!.data, replay), 0);
      return 'pass';
    });
    p.client.conn.runtime.raise(keyMiss, 'server');
    p.network.run();
    expect(p.client.conn.shared.get(PublicKeys).get('server')).toEqual(fresh);
  });
});
