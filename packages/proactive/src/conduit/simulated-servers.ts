/**
 * n servers on one scheduler (virtual time by default) joined by a simulated broadcast
 * network: each frame reaches each other server after `delay` ms unless the seeded loss
 * drops it; `intercept` lets a test record, change or replay frames. Identities (Ed25519 and
 * X25519 keys) are made from the seeded random source.
 */
import { Scheduler } from '@conduits/core';
import type { CryptoEngine, RandomSource } from '@conduits/crypto';
import { BroadcastChannel, type ServerIdentity } from './broadcast-channel.js';
import { ProactiveNode, type NodeOptions } from './proactive-node.js';

export interface SimulatedServersOptions extends NodeOptions {
  readonly engine: CryptoEngine;
  readonly servers: readonly number[];
  readonly random: RandomSource;
  readonly delay?: number;
  /** Probability that one frame to one server is lost. */
  readonly loss?: number;
  /** Servers that are down: they neither send nor receive. */
  readonly down?: readonly number[];
  /** See every frame (from, to, bytes); return the bytes to deliver or null to drop. */
  readonly intercept?: (from: number, to: number, frame: Uint8Array) => Uint8Array | null;
  readonly scheduler?: Scheduler;
}

export class SimulatedServers {
  readonly scheduler: Scheduler;
  readonly nodes = new Map<number, ProactiveNode>();
  readonly stats = { frames: 0, lost: 0, bytes: 0 };
  readonly #options: SimulatedServersOptions;

  constructor(options: SimulatedServersOptions) {
    this.#options = options;
    this.scheduler = options.scheduler ?? new Scheduler();
    const { engine, servers, random } = options;
    const keys = new Map(
      servers.map((i) => [
        i,
        {
          signing: engine.signingKey('ed25519', random(32)),
          agreement: engine.keyAgreement('x25519', random(32)),
        },
      ]),
    );
    const directory = new Map<number, ServerIdentity>(
      servers.map((i) => [
        i,
        { signature: keys.get(i)!.signing.publicKey, agreement: keys.get(i)!.agreement.publicKey },
      ]),
    );
    for (const i of servers) {
      const k = keys.get(i)!;
      const channel = new BroadcastChannel(engine, i, k.signing, k.agreement, directory);
      this.nodes.set(
        i,
        new ProactiveNode(
          this.scheduler,
          i,
          channel,
          (frame) => this.#broadcast(i, frame),
          options,
        ),
      );
    }
  }

  #broadcast(from: number, frame: Uint8Array): void {
    const { down = [], loss = 0, delay = 5, intercept, random } = this.#options;
    if (down.includes(from)) return;
    for (const [to, node] of this.nodes) {
      if (to === from || down.includes(to)) continue;
      this.stats.frames++;
      if (loss > 0 && (random(1)[0] as number) < loss * 256) {
        this.stats.lost++;
        continue;
      }
      const bytes = intercept === undefined ? frame : intercept(from, to, frame);
      if (bytes === null) continue;
      this.stats.bytes += bytes.length;
      this.scheduler.after(delay, () => node.receive(bytes));
    }
  }

  close(): void {
    for (const n of this.nodes.values()) n.close();
  }
}
