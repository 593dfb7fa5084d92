/**
 * IPsec benchmarks:
 *  - ESP seal+open at 1400 bytes through two full host graphs (endpoint → UDP → IPsec → IPv6 →
 *    wire → IPv6 → IPsec → UDP → endpoint) vs the raw AEAD sealing and opening the same bytes
 *  - NULL ESP (no crypto) through the same graphs: the framework's own cost
 *  - SA lookup with 10,000 SAs installed
 */
import { MessagePool, Scheduler } from '@conduits/core';
import { WireAdaptor } from '@conduits/core/testing';
import { compare, emit, opsPerSecond, round2 } from '@conduits/core/bench';
import { engines, type CryptoEngine } from '@conduits/crypto';
import { Host, NextHeader, parseIpv6, type Ipv6Address } from '@conduits/protocols-inet';
import { allowNoProtection } from '../src/testing/index.js';
import {
  ipsecLayer,
  SecurityAssociationDatabase,
  SecurityPolicyDatabase,
  spi,
  type SaConfig,
  type TransformSpec,
} from '../src/index.js';

function hosts(
  engine: CryptoEngine,
  transform: TransformSpec,
  encKey: Uint8Array,
  pool: MessagePool,
) {
  const scheduler = new Scheduler();
  const a = parseIpv6('2001:db8::a');
  const b = parseIpv6('2001:db8::b');
  const base: SaConfig = {
    spi: 0x100,
    direction: 'outbound',
    mode: 'transport',
    transform,
    encryptionKey: encKey,
    engine,
    replayWindow: 1024,
  };
  const mk = (me: Ipv6Address, wire: WireAdaptor, outSpi: number, inSpi: number, name: string) => {
    const sad = new SecurityAssociationDatabase();
    sad.create(allowNoProtection({ ...base, spi: outSpi }));
    sad.create(allowNoProtection({ ...base, spi: inSpi, direction: 'inbound' }));
    const spd = new SecurityPolicyDatabase();
    spd.addOutbound({
      selector: { nextHeader: NextHeader.UDP },
      action: 'protect',
      sa: spi(outSpi),
    });
    spd.addInbound({ selector: { nextHeader: NextHeader.UDP }, accept: [['esp']] });
    return new Host(
      {
        name,
        address: me,
        link: wire,
        pool,
        fragment: { mtu: 1500 },
        security: ipsecLayer({ sad, spd, address: me }).conduit,
      },
      scheduler,
    );
  };
  const wa = new WireAdaptor('wa');
  const wb = new WireAdaptor('wb');
  wa.other = wb;
  wb.other = wa;
  const ha = mk(a, wa, 0x100, 0x200, 'a');
  const hb = mk(b, wb, 0x200, 0x100, 'b');
  const rx = hb.bind(7);
  let got = 0;
  rx.onDatagram(() => got++);
  const tx = ha.bind(9);
  return {
    scheduler,
    tx,
    b,
    count: () => got,
    drops: () => ha.graph.drops.total + hb.graph.drops.total,
  };
}

function throughGraph(
  engine: CryptoEngine,
  transform: TransformSpec,
  key: Uint8Array,
  payload: number,
) {
  const pool = new MessagePool();
  const h = hosts(engine, transform, key, pool);
  const data = new Uint8Array(payload).fill(0x5a);
  return {
    run: (n: number): void => {
      for (let i = 0; i < n; i++) {
        h.tx.send(h.b, 7, data);
        h.scheduler.drain();
      }
    },
    check: (n: number): void => {
      if (h.count() < n || h.drops() > 0)
        throw new Error(`graph delivered ${h.count()} of at least ${n}, dropped ${h.drops()}`);
    },
  };
}

// 1400-byte IPv6 packets: 40 IPv6 + 8 ESP header + 8 IV + UDP 8 + data + trailer 2..5 + ICV 16.
const DATA_1400 = 1400 - 40 - 8 - 8 - 8 - 4 - 16;

for (const [engineName, transform, keyLen, target] of [
  [
    'noble',
    {
      encryption: 'chacha20-poly1305',
      encryptionKeyLength: 32,
      integrity: 'none',
      icvLength: 16,
    } as TransformSpec,
    36,
    0.9,
  ],
  [
    'node',
    {
      encryption: 'aes-gcm',
      encryptionKeyLength: 16,
      integrity: 'none',
      icvLength: 16,
    } as TransformSpec,
    20,
    0.7,
  ],
] as const) {
  const engine = engines[engineName];
  const g = throughGraph(engine, transform, new Uint8Array(keyLen).fill(1), DATA_1400);
  const aead = engine.aead(
    transform.encryption === 'aes-gcm' ? 'aes-128-gcm' : 'chacha20-poly1305',
    new Uint8Array(keyLen - 4).fill(1),
  );
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(8);
  const pt = new Uint8Array(DATA_1400 + 8 + 4);
  const raw = (n: number): void => {
    for (let i = 0; i < n; i++) {
      nonce[11] = i & 0xff;
      if (aead.open(nonce, aead.seal(nonce, pt, aad), aad) === null)
        throw new Error('raw open failed');
    }
  };
  // Interleaved rounds, the ratio paired within each round: this 2-core machine's noise would otherwise swing it by ±0.1.
  const n = 4000;
  const [gv, rv, ratio] = compare(g.run, raw, n, 11);
  g.check(n);
  emit({
    bench: `esp-seal-open-1400-${transform.encryption}-${engineName}`,
    unit: 'pkt/s',
    value: gv,
    baseline: `raw ${engineName} ${transform.encryption} seal+open of the same bytes`,
    baselineValue: rv,
    ratio: round2(ratio),
    target: `ratio >= ${target}`,
  });
}

{
  const g = throughGraph(
    engines.noble,
    { encryption: 'null', encryptionKeyLength: 0, integrity: 'none' },
    new Uint8Array(0),
    64,
  );
  const v = opsPerSecond(g.run, 300_000, 5);
  g.check(300_000);
  emit({
    bench: 'esp-null-64-through-graph',
    unit: 'pkt/s',
    value: v,
    target: '>= 500000',
    note: "NULL encryption, no integrity: both hosts' full graphs, the framework's own cost",
  });
}

{
  const sad = new SecurityAssociationDatabase();
  for (let i = 0; i < 10_000; i++)
    sad.create({
      spi: 0x10000 + i * 7,
      direction: 'inbound',
      mode: 'transport',
      transform: {
        encryption: 'aes-gcm',
        encryptionKeyLength: 16,
        integrity: 'none',
        icvLength: 16,
      },
      encryptionKey: new Uint8Array(20).fill(i & 0xff),
    });
  let hits = 0;
  const v = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) if (sad.inbound(0x10000 + (i % 10_000) * 7) !== undefined) hits++;
  }, 5_000_000);
  if (hits === 0) throw new Error('no SA found');
  emit({
    bench: 'sad-lookup-10000',
    unit: 'lookup/s',
    value: v,
    note: 'inbound SPI lookup with 10,000 SAs installed',
  });
}

{
  // The two policy-check placements of §4.2 side by side: half the traffic is ESP inside ESP,
  // which the policy (exactly one ESP) refuses. The end check decrypts both layers first; the
  // per-layer check refuses before the second.
  const run = (placement: 'after-all' | 'per-layer') => {
    const scheduler = new Scheduler();
    const pool = new MessagePool();
    const transform: TransformSpec = {
      encryption: 'aes-gcm',
      encryptionKeyLength: 16,
      integrity: 'none',
      icvLength: 16,
    };
    const key = new Uint8Array(20).fill(3);
    const addrA = parseIpv6('2001:db8::a');
    const addrB = parseIpv6('2001:db8::b');
    const sadA = new SecurityAssociationDatabase();
    const sadB = new SecurityAssociationDatabase();
    for (const id of [0x10, 0x11]) {
      sadA.create({
        spi: id,
        direction: 'outbound',
        mode: 'transport',
        transform,
        encryptionKey: key,
        engine: engines.node,
      });
      sadB.create({
        spi: id,
        direction: 'inbound',
        mode: 'transport',
        transform,
        encryptionKey: key,
        engine: engines.node,
        replayWindow: 0,
      });
    }
    const spdA = new SecurityPolicyDatabase();
    spdA.addOutbound({ selector: { remotePort: 7 }, action: 'protect', sa: spi(0x10) });
    spdA.addOutbound({
      selector: { remotePort: 8 },
      action: 'protect',
      sa: [spi(0x10), spi(0x11)],
    });
    const spdB = new SecurityPolicyDatabase();
    spdB.addInbound({ selector: { nextHeader: NextHeader.UDP }, accept: [['esp']] });
    const wa = new WireAdaptor('wa');
    const wb = new WireAdaptor('wb');
    wa.other = wb;
    wb.other = wa;
    const ha = new Host(
      {
        name: 'a',
        address: addrA,
        link: wa,
        pool,
        fragment: { mtu: 1500 },
        security: ipsecLayer({ sad: sadA, spd: spdA, address: addrA }).conduit,
      },
      scheduler,
    );
    const hb = new Host(
      {
        name: 'b',
        address: addrB,
        link: wb,
        pool,
        fragment: { mtu: 1500 },
        security: ipsecLayer({ sad: sadB, spd: spdB, address: addrB, placement }).conduit,
      },
      scheduler,
    );
    let got = 0;
    hb.bind(7).onDatagram(() => got++);
    hb.bind(8).onDatagram(() => got++);
    const tx = ha.bind(9);
    const data = new Uint8Array(1000);
    return {
      loop: (n: number): void => {
        for (let i = 0; i < n; i++) {
          tx.send(addrB, i & 1 ? 8 : 7, data);
          scheduler.drain();
        }
      },
      check: () => {
        if (hb.graph.drops.get('esp-policy-violation') === 0 || got === 0)
          throw new Error('placement bench did not exercise the policy');
      },
    };
  };
  const end = run('after-all');
  const per = run('per-layer');
  const [perV, endV, ratio] = compare(per.loop, end.loop, 4000, 5);
  end.check();
  per.check();
  emit({
    bench: 'policy-placement-half-double-esp-1000',
    unit: 'pkt/s',
    value: perV,
    baseline: "policy checked after all layers (the paper's main design)",
    baselineValue: endV,
    ratio: round2(ratio),
    note: 'value: policy checked before each further layer; half the packets are ESP inside ESP and refused',
  });
}
