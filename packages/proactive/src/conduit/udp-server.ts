/**
 * One server of the proactive service as its own process, over UDP: frames go to every peer
 * by unicast, timers run on the real clock. Driven line by line on stdin by a parent
 * (`dkg <exchange>`, `refresh <exchange>`, `sign <exchange> <hex>`, `quit`), answering JSON lines on stdout, so a
 * bench or test can start all servers' runs at once. Identities come from per-server seeds
 * the parent hands out (a bench fixture; a deployment loads its own keys and a directory).
 */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { RealClock, Scheduler } from '@conduits/core';
import { engines, nobleGroup, type EngineName } from '@conduits/crypto';
import { Dkg } from '../dkg.js';
import { frostPublicData, FrostSigner } from '../frost.js';
import { FrostSigning } from '../frost-signing.js';
import type { KeyShare } from '../key-share.js';
import { Refresh } from '../refresh.js';
import { seededRandom } from '../testing/seeded-random.js';
import { BroadcastChannel, type ServerIdentity } from './broadcast-channel.js';
import { ProactiveNode } from './proactive-node.js';

export interface UdpServerConfig {
  readonly self: number;
  readonly threshold: number;
  /** Every server's address and port, by index. */
  readonly peers: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
  /** Seed of every server's identity keys (so each can compute the directory). */
  readonly seed: string;
  /**
   * The engine of the channel (frame signatures, pairwise keys). @default 'node': OpenSSL's
   * Ed25519 verifies a frame in ~0.2 ms against noble's ~1.9 ms here, and each server verifies
   * (n−1) frames a round. Group arithmetic is noble's either way.
   */
  readonly engine?: EngineName;
}

export function runUdpServer(config: UdpServerConfig): void {
  const engine = engines[config.engine ?? 'node'];
  const group = nobleGroup('ed25519');
  const servers = Object.keys(config.peers)
    .map(Number)
    .sort((a, b) => a - b);
  const identity = (i: number) => {
    const r = seededRandom(`${config.seed}/identity/${i}`);
    return {
      signing: engine.signingKey('ed25519', r(32)),
      agreement: engine.keyAgreement('x25519', r(32)),
    };
  };
  const directory = new Map<number, ServerIdentity>();
  for (const i of servers) {
    const k = identity(i);
    directory.set(i, { signature: k.signing.publicKey, agreement: k.agreement.publicKey });
    if (i !== config.self) {
      k.signing.destroy();
      k.agreement.destroy();
    }
  }
  const mine = identity(config.self);
  const scheduler = new Scheduler(new RealClock());
  const socket = createSocket('udp4');
  const me = config.peers[String(config.self)]!;
  const send = (frame: Uint8Array) => {
    for (const i of servers)
      if (i !== config.self)
        socket.send(frame, config.peers[String(i)]!.port, config.peers[String(i)]!.host);
  };
  const node = new ProactiveNode(
    scheduler,
    config.self,
    new BroadcastChannel(engine, config.self, mine.signing, mine.agreement, directory),
    send,
    { roundDeadline: 2000, timeout: 200 },
  );
  socket.on('message', (buf) => {
    node.receive(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
  });
  let key: KeyShare | null = null;
  const say = (o: object) =>
    process.stdout.write(JSON.stringify({ self: config.self, ...o }) + '\n');
  socket.bind(me.port, me.host, () => {
    scheduler.start();
    say({ event: 'ready' });
  });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, arg] = line.trim().split(' ');
    const exchange = Number(arg);
    const t0 = performance.now();
    if (cmd === 'dkg') {
      node.run(
        exchange,
        new Dkg({ group, self: config.self, servers, threshold: config.threshold }),
        'dkg',
        (o) => {
          key = o.ok ? (o.result ?? null) : null;
          say({
            event: 'dkg',
            ok: o.ok,
            ms: performance.now() - t0,
            receipts: [...node.receipts],
            host: node.host.stats,
            drops: node.channel.drops,
            publicKey: key === null ? null : Buffer.from(key.publicKey.toBytes()).toString('hex'),
          });
        },
      );
    } else if (cmd === 'refresh' && key !== null) {
      node.run(exchange, new Refresh({ share: key }), 'refresh', (o) => {
        const next = o.ok ? (o.result ?? null) : null;
        if (next !== null) key = next;
        say({
          event: 'refresh',
          ok: o.ok,
          ms: performance.now() - t0,
          period: key?.period,
          verified: next?.verify() ?? false,
          publicKey: key === null ? null : Buffer.from(key.publicKey.toBytes()).toString('hex'),
        });
      });
    } else if (cmd === 'sign' && key !== null) {
      // `sign <exchange> <message hex>`: FROST over the broadcast; every server aggregates.
      const signer = new FrostSigner(key);
      const message = Uint8Array.from(Buffer.from(line.trim().split(' ')[2] ?? '', 'hex'));
      node.run(
        exchange,
        new FrostSigning({ self: config.self, publicData: frostPublicData(key), signer, message }),
        'frost-sign',
        (o) => {
          signer.destroy();
          say({
            event: 'sign',
            ok: o.ok,
            ms: performance.now() - t0,
            signature: o.ok ? Buffer.from(o.result!.signature).toString('hex') : null,
            signers: o.result?.signers ?? [],
          });
        },
      );
    } else if (cmd === 'quit') {
      node.close();
      key?.destroy();
      scheduler.stop();
      socket.close();
      process.exit(0);
    }
  });
}
