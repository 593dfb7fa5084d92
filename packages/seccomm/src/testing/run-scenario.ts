/**
 * One SecComm scenario on the simulator — what `pnpm conduits seccomm run` prints: a client
 * and a server with a composition send N messages each way while an adversary attacks the
 * client's link; the summary says what was delivered, what was refused and why, the alerts,
 * the bytes on the wire per message, and whether every delivered message arrived intact and
 * exactly once.
 */
import { engines, type CryptoEngine } from '@conduits/crypto';
import { Adversary } from '@conduits/netsim';
import type { ResolvedComposition } from '../config/composition.js';
import { securityAlert, type SecurityAlert } from '../runtime/events.js';
import { Keys } from '../runtime/context.js';
import { forger, liveAttacks, mountAttack, type AttackKind } from './attacks.js';
import { simulatedPair, type SimulatedPair } from './simulated-pair.js';

export interface ScenarioOptions {
  readonly messages: number;
  readonly adversary: AttackKind;
  readonly seed: number;
  readonly engine?: CryptoEngine;
  /** Bytes of each message. @default 64 */
  readonly size?: number;
  /** Called once the pair is built (the CLI prints its public keys). */
  readonly onPair?: (pair: SimulatedPair) => void;
  /** Called after each message pair is sent, with how many have been. */
  readonly onProgress?: (sent: number) => void;
}

export interface ScenarioSummary {
  readonly composition: string;
  readonly seed: number;
  readonly adversary: AttackKind;
  readonly sent: { readonly clientToServer: number; readonly serverToClient: number };
  readonly delivered: { readonly clientToServer: number; readonly serverToClient: number };
  /** Messages refused, by reason (both ends). */
  readonly rejected: Record<string, number>;
  readonly alerts: number;
  /** Mean bytes of SecComm payload per data message on the wire, and the application bytes it carried. */
  readonly bytesOnWirePerMessage: number;
  readonly applicationBytesPerMessage: number;
  /** Every honest message delivered at most once and unaltered, nothing else delivered. */
  readonly intactAndExactlyOnce: boolean;
  /** Every honest message delivered. */
  readonly complete: boolean;
  /** Forged, altered or replayed messages the application received. */
  readonly gotThrough: number;
  readonly keyEpoch: number;
  /** Packets on the wire that showed an honest message in clear. */
  readonly plaintextFrames: number;
  /** The composition generation each end ended on (live connections: the downgrade attack). */
  readonly generation: { readonly client: number; readonly server: number };
  readonly virtualMs: number;
}

const enc = new TextEncoder();

function message(from: string, i: number, size: number): Uint8Array {
  const head = enc.encode(`${from}#${i}:`);
  const out = new Uint8Array(Math.max(size, head.length));
  out.set(head);
  for (let j = head.length; j < out.length; j++) out[j] = 0x61 + ((i + j) % 26);
  return out;
}

/** Messages scheduled ahead of the clock at a time: the run's memory does not grow with its length. */
const BATCH = 1024;

/**
 * The SecComm payload of a packet from the client's link, whole or fragmented: the kind byte
 * and the payload length (from the UDP header, so a datagram split into fragments counts once,
 * in its first fragment), or null.
 */
function wirePayload(
  packet: Uint8Array,
): { kind: number; second: number; start: number; length: number } | null {
  let udp = 40;
  if (packet.length > 48 && packet[6] === 44) {
    // A fragment header: only the first fragment (offset 0) carries the UDP header.
    if (packet[40] !== 17 || ((packet[42]! << 8) | packet[43]!) >> 3 !== 0) return null;
    udp = 48;
  } else if (packet[6] !== 17) return null;
  if (packet.length <= udp + 8) return null;
  return {
    kind: packet[udp + 8] as number,
    second: packet[udp + 9] ?? -1,
    start: udp + 8,
    length: ((packet[udp + 4]! << 8) | packet[udp + 5]!) - 8,
  };
}

/** Which honest messages arrived, as one bit per message and direction (a million messages: 250 KB). */
class Arrivals {
  readonly #seen: Uint8Array;
  count = 0;
  extra = 0;
  constructor(readonly total: number) {
    this.#seen = new Uint8Array(Math.ceil(total / 8));
  }
  /** Record a delivery; the message must be exactly the one sent with that index. */
  add(data: Uint8Array, from: string, size: number): void {
    this.count++;
    const head = /^([a-z]+)#(\d+):/.exec(new TextDecoder().decode(data.subarray(0, 24)));
    const i = head?.[1] === from ? Number(head[2]) : -1;
    if (i < 0 || i >= this.total || !equal(data, message(from, i, size))) return void this.extra++;
    const bit = 1 << (i & 7);
    if ((this.#seen[i >> 3]! & bit) !== 0) return void this.extra++;
    this.#seen[i >> 3]! |= bit;
  }
  complete(): boolean {
    for (let i = 0; i < this.total; i++)
      if ((this.#seen[i >> 3]! & (1 << (i & 7))) === 0) return false;
    return true;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function runScenario(
  composition: ResolvedComposition,
  options: ScenarioOptions,
): ScenarioSummary {
  const engine = options.engine ?? engines.noble;
  const size = options.size ?? 64;
  const adversary = new Adversary();
  const live = liveAttacks.includes(options.adversary);
  const p = simulatedPair(composition, {
    seed: options.seed,
    engine,
    adversary,
    link: { delay: 2 },
    ...(live ? { live: true } : {}),
  });
  options.onPair?.(p);
  const scheduler = p.network.scheduler;
  const rejected: Record<string, number> = {};
  let alerts = 0;
  for (const ch of [p.client, p.server]) {
    ch.conn.runtime.bind(
      securityAlert,
      (a: SecurityAlert) => {
        alerts++;
        rejected[a.reason] = (rejected[a.reason] ?? 0) + 1;
      },
      0,
      null,
      'scenario',
    );
  }
  // A live connection's own refusals (recomposition, unknown generations) are alerts on the hosts' graphs.
  if (live) {
    for (const h of [p.clientHost, p.serverHost]) {
      h.graph.alerts$.subscribe((a) => {
        if (a.kind !== 'security' || !/recomposer|no-generation/.test(a.conduit)) return;
        alerts++;
        rejected[a.reason] = (rejected[a.reason] ?? 0) + 1;
      });
    }
  }
  const plan = mountAttack(
    options.adversary,
    adversary,
    forger(
      composition,
      engine,
      (i) => message('mallory', i, size),
      () => scheduler.now(),
      p.publicKeys.server.agreement,
    ),
    { plaintext: (i) => message('client', i, size) },
  );
  // Only the replay attacks look back at what the adversary saw; for the others it is let go as the run goes.
  const keepSeen = options.adversary === 'replay' || options.adversary === 'replay-keys';

  // Bytes on the wire, counted as packets cross the client's link (not kept).
  let wire = 0;
  let frames = 0;
  let plaintextFrames = 0;
  adversary.observed$.subscribe((s) => {
    const w = wirePayload(s.data);
    if (w === null) return;
    const payload = Buffer.from(
      s.data.buffer,
      s.data.byteOffset + w.start,
      s.data.length - w.start,
    );
    if (payload.includes('client#') || payload.includes('server#')) plaintextFrames++;
    // On a live connection the generation byte comes first, the frame kind second.
    if ((live ? w.second : w.kind) === 0) {
      wire += w.length;
      frames++;
    }
  });

  const toServer = new Arrivals(options.messages);
  const toClient = new Arrivals(options.messages);
  p.server.onMessage((d) => toServer.add(d, 'client', size));
  p.client.onMessage((d) => toClient.add(d, 'server', size));
  // Messages at 1 ms intervals, scheduled a batch ahead of the clock rather than all at once.
  const schedule = (from: number): void => {
    const end = Math.min(options.messages, from + BATCH);
    for (let i = from; i < end; i++) {
      scheduler.at(i, () => {
        p.client.push(message('client', i, size));
        p.server.push(message('server', i, size));
        options.onProgress?.(i + 1);
        if (!keepSeen) adversary.seen.length = 0;
        if (i === from + BATCH / 2 && end < options.messages) schedule(end);
      });
    }
  };
  schedule(0);
  p.network.run();
  plan.after();
  p.network.run();

  const gotThrough = toServer.extra + toClient.extra;
  return {
    composition: composition.name,
    seed: options.seed,
    adversary: options.adversary,
    sent: { clientToServer: options.messages, serverToClient: options.messages },
    delivered: { clientToServer: toServer.count, serverToClient: toClient.count },
    rejected: Object.fromEntries(Object.entries(rejected).sort(([a], [b]) => a.localeCompare(b))),
    alerts,
    bytesOnWirePerMessage: frames === 0 ? 0 : Math.round((wire / frames) * 10) / 10,
    applicationBytesPerMessage: size,
    intactAndExactlyOnce: gotThrough === 0,
    complete: toServer.complete() && toClient.complete(),
    gotThrough,
    keyEpoch: p.client.conn.shared.get(Keys).epoch,
    plaintextFrames,
    generation: { client: p.client.live?.generation ?? 0, server: p.server.live?.generation ?? 0 },
    virtualMs: scheduler.now(),
  };
}
