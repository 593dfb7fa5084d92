/**
 * SecComm's decoders under fuzzing (part of `pnpm test:fuzz`, 100k cases each): frames and
 * key-distribution messages mutated into a live connection, and the KDC, CA and certificate
 * decoders fed mutated and random bytes. Nothing throws (no handler fault either: the
 * scheduler would hide one as 'handler-threw'), bad input is counted, and an honest message
 * still gets through afterwards.
 */
import { GraphBuilder, Scheduler, type CompositeProtocol } from '@conduits/core';
import { linkPair, ProbeAdaptor, type LinkAdaptor } from '@conduits/core/testing';
import { engines } from '@conduits/crypto';
import fc from 'fast-check';
import {
  CertificateAuthority,
  KeyDistributionCenter,
  openConnection,
  resolveComposition,
  verifyCertificate,
  type CompositionConfig,
} from '@conduits/seccomm';
import { certificateReply } from '@conduits/seccomm/codec';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const engine = engines.node;

function mutate(valid: Uint8Array) {
  return fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(255)), { maxLength: 3 }).map((muts) => {
    let p = Uint8Array.from(valid);
    for (const [op, pos, v] of muts) {
      const i = p.length ? pos % p.length : 0;
      if (op === 0) p = p.subarray(0, i);
      else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(v % 64)]);
      else if (op === 2 && p.length) p[i]! ^= 1 << (v & 7);
      else if (p.length) p[i] = v;
    }
    return p;
  });
}

function pair(config: CompositionConfig, keys: Map<number, Uint8Array>) {
  const scheduler = new Scheduler();
  const composition = resolveComposition(config);
  const [cl, sl] = linkPair('c', 's', 1);
  const side = (role: 'client' | 'server', link: LinkAdaptor) => {
    const g = new GraphBuilder(role);
    const app = g.add(new ProbeAdaptor(`${role}-app`));
    const conn = openConnection(role, composition, {
      engine,
      role,
      keys,
      now: () => scheduler.now(),
    });
    g.stack(app, conn, g.add(link));
    return { app, conn, graph: g.build(scheduler) };
  };
  const client = side('client', cl);
  const server = side('server', sl);
  const wire: Uint8Array[] = [];
  cl.intercept = (b) => (wire.push(Uint8Array.from(b)), b);
  scheduler.run();
  return { scheduler, client, server, wire, sl };
}

const configs: Record<string, CompositionConfig> = {
  // Key messages unprotected, so that mutations reach the distribution's own decoder.
  'dh unprotected + gcm + sequence': {
    microProtocols: [
      { use: 'aes-128-gcm-privacy', key: 1 },
      { use: 'sequence-replay-prevention' },
      { use: 'dh-key-distribution', key: 1 },
    ],
  },
  'server distribution + cbc + hmac + timestamps': {
    keys: { predefined: [2] },
    microProtocols: [
      { use: 'aes-128-cbc-privacy', key: 1 },
      { use: 'hmac-sha256-integrity', key: 2, mode: 'BOTH' },
      { use: 'timestamp-replay-prevention' },
      { use: 'server-key-distribution', key: 1 },
    ],
  },
  'plain digests + keyed digest authenticity + consistency check': {
    keys: { predefined: [1, 3] },
    microProtocols: [
      { use: 'aes-128-ctr-privacy', key: 3 },
      { use: 'consistency-check' },
      { use: 'sha512-digest' },
      { use: 'keyed-digest-authenticity', key: 1 },
    ],
  },
};

describe('SecComm fuzzing', () => {
  test.each(Object.keys(configs))(
    `a live connection (%s) takes mutated frames and key messages without throwing (${RUNS} cases)`,
    (name) => {
      const all = new Map([
        [1, new Uint8Array(32).fill(1)],
        [2, new Uint8Array(32).fill(2)],
        [3, new Uint8Array(16).fill(3)],
      ]);
      const config = configs[name] as CompositionConfig;
      const p = pair(
        config,
        new Map([...all].filter(([i]) => config.keys?.predefined?.includes(i))),
      );
      const keyMessages = [...p.wire];
      p.client.app.write(new TextEncoder().encode('a valid message to mutate'));
      p.scheduler.run();
      const samples = [...keyMessages, p.wire[p.wire.length - 1] as Uint8Array];
      expect(p.server.app.take()).toHaveLength(1);
      fc.assert(
        fc.property(
          fc.oneof(fc.constantFrom(...samples).chain(mutate), fc.uint8Array({ maxLength: 200 })),
          (bytes) => {
            (p.sl as LinkAdaptor).inject(messageOf(bytes));
            p.scheduler.run();
          },
        ),
        { numRuns: RUNS },
      );
      const drops = p.server.graph.drops.snapshot();
      expect(drops['handler-threw']).toBeUndefined();
      expect(p.scheduler.faultCount).toBe(0);
      p.server.app.take();
      p.client.app.write(new TextEncoder().encode('still flowing'));
      p.scheduler.run();
      expect(p.server.app.take().map((c) => new TextDecoder().decode(c.data))).toContain(
        'still flowing',
      );
      closeAll(p.client.conn, p.server.conn);
    },
  );

  test(`KDC, CA and certificate decoders never throw (${RUNS} cases)`, () => {
    const kdc = new KeyDistributionCenter(engine, () => 0);
    kdc.register('client', new Uint8Array(32).fill(1));
    kdc.register('server', new Uint8Array(32).fill(2));
    const ca = new CertificateAuthority(engine, 'ca');
    const cert = ca.certify(
      'client',
      { algorithm: 'ed25519', publicKey: new Uint8Array(32).fill(5) },
      0,
    );
    const lookup = Uint8Array.from([0x61, 0, 6, ...new TextEncoder().encode('client')]);
    const request = Uint8Array.from([
      0x51,
      32,
      ...new Uint8Array(16),
      0,
      6,
      ...new TextEncoder().encode('client'),
      0,
      6,
      ...new TextEncoder().encode('server'),
    ]);
    expect(kdc.handle(request)).not.toBeNull();
    fc.assert(
      fc.property(
        fc.oneof(mutate(cert), mutate(lookup), mutate(request), fc.uint8Array({ maxLength: 300 })),
        (bytes) => {
          verifyCertificate(engine, ca.publicKey, bytes, 1);
          certificateReply(bytes);
          ca.handle(bytes);
          kdc.handle(bytes);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

import { defaultPool } from '@conduits/core';
import { closeConnection } from '@conduits/seccomm';
const messageOf = (b: Uint8Array) => defaultPool.from(b);
function closeAll(...cs: CompositeProtocol[]): void {
  for (const c of cs) closeConnection(c);
}
