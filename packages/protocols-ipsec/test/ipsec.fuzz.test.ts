/**
 * The IPsec decoders under fuzzing (part of `pnpm test:fuzz`): 100k cases each for ESP
 * decapsulation, AH verification and esp_sa parsing, and a host with an IPsec layer fed
 * mutated ESP/AH packets — no exception, every bad packet counted, valid traffic still flows.
 */
import { MessagePool, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import fc from 'fast-check';
import { Host, NextHeader, parseIpv6 } from '@conduits/protocols-inet';
import { writeIpv6Header, writeUdp } from '@conduits/protocols-inet/codec';
import {
  ahProtect,
  ahVerify,
  EspSaParseError,
  ipsecLayer,
  parseEspSa,
  SecurityAssociation,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  type SaConfig,
} from '@conduits/protocols-ipsec';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100_000);
const pool = new MessagePool();
const gcm: SaConfig = {
  spi: 0x10,
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'aes-gcm', encryptionKeyLength: 16, integrity: 'none', icvLength: 16 },
  encryptionKey: new Uint8Array(20).fill(1),
};
const cbc: SaConfig = {
  spi: 0x11,
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'aes-cbc', encryptionKeyLength: 16, integrity: 'hmac-sha256-128' },
  encryptionKey: new Uint8Array(16).fill(2),
  integrityKey: new Uint8Array(32).fill(3),
};
const ah: SaConfig = {
  spi: 0x20,
  protocol: 'ah',
  direction: 'outbound',
  mode: 'transport',
  transform: { encryption: 'null', encryptionKeyLength: 0, integrity: 'hmac-sha1-96' },
  encryptionKey: new Uint8Array(0),
  integrityKey: new Uint8Array(20).fill(4),
};
const src = parseIpv6('2001:db8::1');
const dst = parseIpv6('2001:db8::2');

/** Mutations of a valid packet: truncate, extend, flip, overwrite. */
function mutate(valid: Uint8Array) {
  return fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.nat(255)), { maxLength: 3 }).map((muts) => {
    let p = Uint8Array.from(valid);
    for (const [op, pos, v] of muts) {
      const i = p.length ? pos % p.length : 0;
      if (op === 0) p = p.subarray(0, i);
      else if (op === 1) p = Uint8Array.from([...p, ...new Uint8Array(v)]);
      else if (op === 2 && p.length) p[i]! ^= 1 << (v & 7);
      else if (p.length) p[i] = v;
    }
    return p;
  });
}

describe('IPsec fuzzing', () => {
  test.each([
    ['aes-gcm', gcm],
    ['aes-cbc/hmac-sha256', cbc],
  ])(`ESP decapsulation (%s) never throws (${RUNS} cases)`, (_n, cfg) => {
    const m = pool.from(new Uint8Array(60).fill(7));
    new SecurityAssociation(cfg).encapsulate(m.buffer, 17);
    const valid = m.buffer.copy();
    const inbound = new SecurityAssociation({ ...cfg, direction: 'inbound', replayWindow: 0 });
    fc.assert(
      fc.property(fc.oneof(mutate(valid), fc.uint8Array({ maxLength: 120 })), (p) => {
        const b = pool.from(p);
        const r = inbound.decapsulate(b.buffer);
        expect(typeof r === 'number' || typeof r === 'string').toBe(true);
        b.release();
      }),
      { numRuns: RUNS },
    );
  });

  test(`AH verification never throws (${RUNS} cases)`, () => {
    const m = pool.from(new Uint8Array(30).fill(5));
    ahProtect(new SecurityAssociation(ah), m.buffer, 17, src, dst);
    writeIpv6Header(m.buffer, NextHeader.AH, 64, src, dst);
    const valid = m.buffer.copy();
    const inbound = new SecurityAssociation({ ...ah, direction: 'inbound', replayWindow: 0 });
    fc.assert(
      fc.property(mutate(valid), (p) => {
        const b = pool.from(p.length >= 40 ? p : valid);
        const ip = b.buffer.start;
        b.buffer.pull(40);
        const r = ahVerify(inbound, b.buffer, ip);
        expect(typeof r === 'number' || typeof r === 'string').toBe(true);
        b.release();
      }),
      { numRuns: RUNS },
    );
  });

  test(`esp_sa parsing gives entries or a typed error (${RUNS} cases)`, () => {
    const line =
      '"IPv6","2001:db8::1","2001:db8::2","0x00001001","AES-GCM with 16 octet ICV [RFC4106]","0x' +
      '11'.repeat(20) +
      '","NULL",""';
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .tuple(fc.nat(line.length), fc.string({ maxLength: 5 }))
            .map(([i, s]) => line.slice(0, i) + s + line.slice(i + s.length)),
        ),
        (text) => {
          try {
            parseEspSa(text);
          } catch (e) {
            expect(e).toBeInstanceOf(EspSaParseError);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test(`a host with an IPsec layer drops and counts every bad packet and keeps serving (${RUNS} packets)`, () => {
    const scheduler = new Scheduler();
    const wire = new ProbeAdaptor('wire');
    const sad = new SecurityAssociationDatabase();
    for (const c of [gcm, cbc, ah]) sad.create({ ...c, direction: 'inbound', replayWindow: 4096 });
    const spd = new SecurityPolicyDatabase();
    spd.addInbound({ selector: { nextHeader: NextHeader.UDP }, accept: [['esp'], ['ah']] });
    const host = new Host(
      {
        name: 'victim',
        address: dst,
        link: wire,
        security: ipsecLayer({ sad, spd, address: dst }).conduit,
      },
      scheduler,
    );
    let delivered = 0;
    host.bind(7).onDatagram(() => delivered++);
    const senders = [gcm, cbc, ah].map((c) => new SecurityAssociation(c));
    const packet = (i: number): Uint8Array => {
      const m = pool.from(Uint8Array.of(i & 0xff, 1, 2, 3));
      writeUdp(m.buffer, 9, 7, src, dst);
      const sa = senders[i % 3]!;
      if (sa.protocol === 'ah') ahProtect(sa, m.buffer, NextHeader.UDP, src, dst);
      else sa.encapsulate(m.buffer, NextHeader.UDP);
      writeIpv6Header(
        m.buffer,
        sa.protocol === 'ah' ? NextHeader.AH : NextHeader.ESP,
        64,
        src,
        dst,
      );
      const out = m.buffer.copy();
      m.release();
      return out;
    };
    const valid = [packet(0), packet(1), packet(2)];
    fc.assert(
      fc.property(
        fc.nat(2).chain((k) => mutate(valid[k]!)),
        (p) => {
          wire.write(p);
          scheduler.drain();
        },
      ),
      { numRuns: RUNS },
    );
    expect(host.graph.faults).toBe(0);
    expect(scheduler.faultCount).toBe(0);
    const before = delivered;
    for (let i = 3; i < 9; i++) wire.write(packet(i));
    scheduler.run();
    expect(delivered - before).toBe(6);
    process.stdout.write(
      `ipsec fuzz: delivered ${delivered}, drops ${JSON.stringify(host.graph.drops.snapshot())}\n`,
    );
  });
});
