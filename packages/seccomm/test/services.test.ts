/** KDC and CA on the simulated network; one-time pad; keyed-digest AUTH_SENDER. */
import { engines } from '@conduits/crypto';
import {
  AuditLog,
  CertificateAuthority,
  KeyDistributionCenter,
  resolveComposition,
  verifyCertificate,
  type CompositionConfig,
} from '@conduits/seccomm';
import { certificateReply, certificateRequest } from '@conduits/seccomm/codec';
import { Certificates, Keys, PublicKeys } from '@conduits/seccomm/internal';
import { simulatedPair, runScenario } from '@conduits/seccomm/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const dir = mkdtempSync(join(tmpdir(), 'seccomm-services-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kdcConfig: CompositionConfig = {
  keys: { predefined: [9] },
  microProtocols: [
    { use: 'aes-256-gcm-privacy', key: 1 },
    { use: 'sequence-replay-prevention', mode: 'BOTH' },
    { use: 'kdc-key-distribution', key: 1, params: { kdc: '[2001:db8::ca]:88', masterKey: 9 } },
    { use: 'security-audit' },
  ],
};

describe('Kerberos-style key distribution through a KDC on the simulated network', () => {
  test('the client gets a key and a ticket from the KDC; the server opens the ticket; both hold the same key', () => {
    const p = simulatedPair(resolveComposition(kdcConfig), { seed: 3 });
    const got: string[] = [];
    p.server.onMessage((d) => void got.push(dec(d)));
    p.client.push(enc('via the KDC'));
    p.network.run();
    expect(got).toEqual(['via the KDC']);
    expect(p.kdc?.stats).toEqual({ issued: 1, refused: 0 });
    const ck = p.client.conn.shared.get(Keys);
    expect(ck.get(1)).toEqual(p.server.conn.shared.get(Keys).get(1));
    expect(ck.get(1)).not.toEqual(p.predefined.get(9));
  });

  test('an old ticket replayed to the server is refused with an alert', () => {
    const r = runScenario(resolveComposition(kdcConfig), {
      messages: 10,
      adversary: 'replay-keys',
      seed: 4,
    });
    expect(r).toMatchObject({ complete: true, intactAndExactlyOnce: true });
    expect(r.alerts).toBeGreaterThan(0);
  });

  test('the KDC refuses requests for unknown principals and malformed bytes, without throwing', () => {
    const kdc = new KeyDistributionCenter(engines.noble, () => 0);
    kdc.register('a', new Uint8Array(32).fill(1));
    expect(kdc.handle(new Uint8Array([0x51, 32]))).toBeNull();
    expect(kdc.handle(new Uint8Array(0))).toBeNull();
    expect(kdc.stats.refused).toBe(2);
  });
});

describe('public key acquisition from a CA on keyMiss / at open', () => {
  const config: CompositionConfig = {
    keys: { predefined: [1], privateKey: true, publicKeys: 'acquire' },
    ca: '[2001:db8::ca]:5280',
    microProtocols: [
      { use: 'aes-128-gcm-privacy', key: 1 },
      { use: 'signature-authenticity' },
      { use: 'security-audit' },
    ],
  };

  test("both ends fetch the peer's certificate; messages pushed or arriving meanwhile wait, none is lost", () => {
    const p = simulatedPair(resolveComposition(config), { seed: 5 });
    const got: [string, string | undefined][] = [];
    p.server.onMessage((d, who) => void got.push([dec(d), who]));
    // Sent at once (signing needs only our key); it reaches the server while the server is still fetching the client's certificate.
    p.client.push(enc('signed, key from the CA'));
    p.network.run();
    expect(got).toEqual([['signed, key from the CA', 'client']]);
    expect(p.server.conn.shared.get(PublicKeys).get('client')).toEqual(p.publicKeys.client.signing);
    expect(p.client.conn.shared.get(Certificates).get('server')?.issuer).toBe('seccomm-ca');
    expect(p.ca?.stats.served).toBe(2);
  });

  test('certificates: a forged or expired one is refused; a malformed reply is not an exception', () => {
    const e = engines.noble;
    const ca = new CertificateAuthority(e, 'ca');
    const other = new CertificateAuthority(e, 'mallory-ca');
    const key = e.signingKey('ed25519').publicKey;
    const cert = ca.certify('alice', { algorithm: 'ed25519', publicKey: key }, 1000, 1000);
    expect(verifyCertificate(e, ca.publicKey, cert, 1500)?.subject).toBe('alice');
    expect(verifyCertificate(e, ca.publicKey, cert, 2500)).toBeNull();
    expect(verifyCertificate(e, other.publicKey, cert, 1500)).toBeNull();
    const forged = other.certify('alice', { algorithm: 'ed25519', publicKey: key }, 1000);
    expect(verifyCertificate(e, ca.publicKey, forged, 1500)).toBeNull();
    const altered = Uint8Array.from(cert);
    altered[10]! ^= 1;
    expect(verifyCertificate(e, ca.publicKey, altered, 1500)).toBeNull();
    expect(verifyCertificate(e, ca.publicKey, cert.subarray(0, 7), 1500)).toBeNull();
    expect(certificateReply(ca.handle(certificateRequest('alice')) as Uint8Array)).toEqual(cert);
    expect(certificateReply(ca.handle(certificateRequest('bob')) as Uint8Array)).toBeNull();
    expect(ca.handle(Uint8Array.of(0x61, 0, 9))).toBeNull();
  });

  test('an unreachable CA raises securityAlert ca-unreachable after the service retransmissions', () => {
    const p = simulatedPair(resolveComposition(config), { seed: 6 });
    p.network.partition(p.network.links[2]!);
    p.network.run();
    expect(p.client.conn.shared.get(AuditLog).map((a) => a.reason)).toContain('ca-unreachable');
  });
});

describe('one-time pad from a shared file', () => {
  const file = join(dir, 'pad.bin');
  writeFileSync(file, engines.noble.randomBytes(4096));
  const config: CompositionConfig = {
    keys: { predefined: [2] },
    microProtocols: [
      { use: 'one-time-pad-privacy', params: { file } },
      { use: 'hmac-sha256-integrity', key: 2 },
      { use: 'security-audit' },
    ],
  };

  test('messages cross both ways; each direction uses its own half; the pad runs out loudly', () => {
    const p = simulatedPair(resolveComposition(config), { seed: 8 });
    const got: string[] = [];
    p.server.onMessage((d) => void got.push(dec(d)));
    p.client.push(enc('one time'));
    p.network.run();
    expect(got).toEqual(['one time']);
    p.client.push(new Uint8Array(3000));
    p.network.run();
    expect(p.client.conn.shared.get(AuditLog).map((a) => a.reason)).toEqual(['pad-exhausted']);
  });

  test('a replayed pad offset is refused (the integrity check alone would pass it)', () => {
    const s = runScenario(
      resolveComposition({
        ...config,
        microProtocols: config.microProtocols
          .filter((m) => m.use !== 'hmac-sha256-integrity')
          .concat([{ use: 'hmac-sha256-integrity', key: 2, order: 50 }]),
      }),
      { messages: 5, adversary: 'replay', seed: 9, size: 32 },
    );
    expect(s).toMatchObject({ gotThrough: 0, alerts: 5 });
  });
});

test('keyed-digest authenticity sets AUTH_SENDER on delivery', () => {
  const p = simulatedPair(
    resolveComposition({
      keys: { predefined: [1] },
      microProtocols: [{ use: 'sha512-digest' }, { use: 'keyed-digest-authenticity', key: 1 }],
    }),
    { seed: 10 },
  );
  const got: (string | undefined)[] = [];
  p.server.onMessage((_d, who) => void got.push(who));
  p.client.push(enc('x'));
  p.network.run();
  expect(got).toEqual(['client']);
});

test('SecComm directly on IPv6 (Figure 1 without UDP): a composite on the next-header Mux', async () => {
  const { Network } = await import('@conduits/netsim');
  const { SecureChannel, presets } = await import('@conduits/seccomm');
  const net = new Network(12);
  const a = net.host('a', '2001:db8::a');
  const b = net.host('b', '2001:db8::b');
  net.connect(a, b);
  const psk = new Map([[2, engines.noble.randomBytes(32)]]);
  const open = (h: typeof a, role: 'client' | 'server', peer: string) =>
    SecureChannel.openOnIp(h, resolveComposition(presets['esp-like']), {
      engine: engines.noble,
      role,
      protocol: 253,
      peer,
      keys: psk,
      participants: { self: role, peer: role === 'client' ? 'server' : 'client' },
    });
  const client = open(a, 'client', '2001:db8::b');
  const server = open(b, 'server', '2001:db8::a');
  const got: string[] = [];
  server.onMessage((d) => void got.push(dec(d)));
  client.push(enc('no UDP underneath'));
  const captured: number[] = [];
  net.links[0]!.onEvent = (e) => void (e.kind === 'sent' && captured.push(e.data[6] as number));
  net.run();
  expect(got).toEqual(['no UDP underneath']);
  expect(new Set(captured)).toEqual(new Set([253]));
  client.close();
  server.close();
});
