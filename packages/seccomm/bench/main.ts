/**
 * SecComm benchmarks (JSON lines, DESIGN.md format):
 *  - each preset, messages/s at 64 and 1400 bytes: sender composite → wire → receiver
 *    composite, keys distributed first (the keys' exchange is not timed);
 *  - sequence-number replay prevention + AES-128-GCM privacy as a composition vs a
 *    hand-written function doing the same work (sequence number, nonce, seal; open, window
 *    check, strip) with the same engine in the same run — the price of flexibility
 *    (target ratio ≥ 0.8).
 */
import {
  Adaptor,
  GraphBuilder,
  MessagePool,
  Scheduler,
  type Conduit,
  type Message,
  type Port,
} from '@conduits/core';
import { compare, emit, opsPerSecond, round2 } from '@conduits/core/bench';
import { ProbeAdaptor, WireAdaptor } from '@conduits/core/testing';
import { engines, type CryptoEngine } from '@conduits/crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  catalog,
  openConnection,
  presets,
  resolveComposition,
  type CatalogEntry,
  type CompositionConfig,
} from '../src/index.js';

/** Counts and releases what reaches the application. */
class Sink extends Adaptor {
  count = 0;
  clone(): Conduit {
    return new Sink(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    this.count++;
    msg.release();
  }
}

function pair(engine: CryptoEngine, config: CompositionConfig, pool: MessagePool) {
  const scheduler = new Scheduler();
  const composition = resolveComposition(config);
  const sig = { client: engine.randomBytes(32), server: engine.randomBytes(32) };
  const pub = {
    client: engine.signingKey('ed25519', sig.client).publicKey,
    server: engine.signingKey('ed25519', sig.server).publicKey,
  };
  // Predefined keys at the length their users need.
  const keys = new Map(
    (config.keys?.predefined ?? []).map(
      (i) =>
        [
          i,
          engine.randomBytes(
            Math.max(
              0,
              ...composition.microProtocols
                .filter((m) => m.key === i)
                .map((m) => (catalog[m.name] as CatalogEntry).keyLength ?? 0),
            ) || 32,
          ),
        ] as const,
    ),
  );
  const [wa, wb] = [new WireAdaptor('wa'), new WireAdaptor('wb')];
  wa.other = wb;
  wb.other = wa;
  const side = (role: 'client' | 'server', wire: WireAdaptor) => {
    const other = role === 'client' ? 'server' : 'client';
    const g = new GraphBuilder(role);
    const app = g.add(
      role === 'client' ? new ProbeAdaptor(`${role}-app`, pool) : new Sink(`${role}-app`),
    );
    const conn = openConnection(role, composition, {
      engine,
      role,
      keys,
      now: () => scheduler.now(),
      participants: { self: role, peer: other },
      privateKey: sig[role],
      publicKeys: new Map([[other, pub[other]]]),
    });
    g.stack(app, conn, g.add(wire));
    g.build(scheduler);
    return app;
  };
  const client = side('client', wa) as ProbeAdaptor;
  const server = side('server', wb) as Sink;
  scheduler.run(); // key distribution
  return { scheduler, client, server };
}

const dir = mkdtempSync(join(tmpdir(), 'seccomm-bench-'));
const configs: Record<string, CompositionConfig> = {
  'esp-like': presets['esp-like'],
  'tls-record-like': presets['tls-record-like'],
  paranoid: {
    ...presets.paranoid,
    microProtocols: presets.paranoid.microProtocols.map((m) =>
      m.use === 'non-repudiation' ? { ...m, params: { file: join(dir, 'proofs.jsonl') } } : m,
    ),
  },
};

for (const [name, config] of Object.entries(configs)) {
  for (const size of [64, 1400]) {
    const pool = new MessagePool(4096, 256);
    const p = pair(engines.node, config, pool);
    const data = new Uint8Array(size).fill(7);
    const before = p.server.count;
    const n = name === 'paranoid' ? 2_000 : 50_000;
    const value = opsPerSecond(
      (k) => {
        for (let i = 0; i < k; i++) {
          p.client.write(data);
          p.scheduler.run();
        }
      },
      n,
      3,
    );
    if (p.server.count - before < n)
      throw new Error(`${name}: only ${p.server.count - before} of ${n}+ messages arrived`);
    emit({
      bench: `seccomm-preset-${name}-${size}`,
      unit: 'msg/s',
      value,
      engine: 'node',
      note: 'seal at the sender and open at the receiver, per message',
    });
  }
}

/** The same work by hand: [seq u64][nonce 12][AES-128-GCM(plain), the 12-byte frame header as associated data], window-checked on open. */
function handWritten(engine: CryptoEngine, key: Uint8Array) {
  const tx = engine.aead('aes-128-gcm', key);
  const rx = engine.aead('aes-128-gcm', key);
  const prefix = engine.randomBytes(4);
  let counter = 0;
  let sent = 0;
  let top = 0;
  let bitmap = 0n;
  const nonce = new Uint8Array(12);
  nonce.set(prefix);
  const nv = new DataView(nonce.buffer);
  const header = Uint8Array.of(0, 0, 0x43, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  return (plain: Uint8Array): Uint8Array | null => {
    const inner = new Uint8Array(8 + plain.length);
    new DataView(inner.buffer).setBigUint64(0, BigInt(++sent));
    inner.set(plain, 8);
    nv.setUint32(8, ++counter);
    const wire = new Uint8Array(2 + 12 + inner.length + 16);
    wire.set(nonce, 2);
    wire.set(tx.seal(nonce, inner, header), 14);
    // receiver
    const opened = rx.open(wire.subarray(2, 14), wire.subarray(14), header);
    if (opened === null) return null;
    const seq = Number(new DataView(opened.buffer, opened.byteOffset).getBigUint64(0));
    if (seq + 64 <= top) return null;
    const bit = 1n << BigInt(seq % 64);
    if (seq > top) {
      top = seq;
      bitmap |= bit;
    } else if (bitmap & bit) return null;
    return opened.subarray(8);
  };
}

for (const engine of [engines.node, engines.noble]) {
  for (const size of [64, 1400]) {
    const pool = new MessagePool(4096, 256);
    const p = pair(
      engine,
      {
        keys: { predefined: [1] },
        microProtocols: [
          { use: 'aes-128-gcm-privacy', key: 1 },
          { use: 'sequence-replay-prevention' },
        ],
      },
      pool,
    );
    const data = new Uint8Array(size).fill(7);
    const hand = handWritten(engine, new Uint8Array(16).fill(1));
    let sink = 0;
    const n = engine.name === 'node' ? 50_000 : 10_000;
    const [composed, byHand, ratio] = compare(
      (k) => {
        for (let i = 0; i < k; i++) {
          p.client.write(data);
          p.scheduler.run();
        }
      },
      (k) => {
        for (let i = 0; i < k; i++) sink += hand(data)?.length ?? 0;
      },
      n,
      5,
    );
    if (sink === 0) throw new Error('hand-written path delivered nothing');
    emit({
      bench: `seccomm-seq-aes128gcm-${engine.name}-${size}`,
      unit: 'msg/s',
      value: composed,
      baseline: 'hand-written seq + AES-128-GCM seal/open',
      baselineValue: byHand,
      ratio: round2(ratio),
      target: 'ratio >= 0.8',
    });
  }
}

const { flood } = await import('./flood.js');
await flood();
