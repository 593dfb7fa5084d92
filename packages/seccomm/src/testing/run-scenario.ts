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
import { forger, liveAttacks, mountAttack, seccommPayload, type AttackKind } from './attacks.js';
import { simulatedPair } from './simulated-pair.js';

export interface ScenarioOptions {
  readonly messages: number;
  readonly adversary: AttackKind;
  readonly seed: number;
  readonly engine?: CryptoEngine;
  /** Bytes of each message. @default 64 */
  readonly size?: number;
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

export function runScenario(composition: ResolvedComposition, options: ScenarioOptions): ScenarioSummary {
  const engine = options.engine ?? engines.noble;
  const size = options.size ?? 64;
  const adversary = new Adversary();
  const live = liveAttacks.includes(options.adversary);
  const p = simulatedPair(composition, { seed: options.seed, engine, adversary, link: { delay: 2 }, ...(live ? { live: true } : {}) });
  const scheduler = p.network.scheduler;
  const rejected: Record<string, number> = {};
  let alerts = 0;
  for (const ch of [p.client, p.server]) {
    ch.conn.runtime.bind(securityAlert, (a: SecurityAlert) => {
      alerts++;
      rejected[a.reason] = (rejected[a.reason] ?? 0) + 1;
    }, 0, null, 'scenario');
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
  const plan = mountAttack(options.adversary, adversary, forger(composition, engine, (i) => message('mallory', i, size), () => scheduler.now(), p.publicKeys.server.agreement), { plaintext: (i) => message('client', i, size) });

  const expected = { toServer: new Map<string, number>(), toClient: new Map<string, number>() };
  const got = { toServer: new Map<string, number>(), toClient: new Map<string, number>() };
  const key = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  p.server.onMessage((d) => void got.toServer.set(key(d), (got.toServer.get(key(d)) ?? 0) + 1));
  p.client.onMessage((d) => void got.toClient.set(key(d), (got.toClient.get(key(d)) ?? 0) + 1));
  for (let i = 0; i < options.messages; i++) {
    scheduler.after(i, () => {
      const c = message('client', i, size);
      const s = message('server', i, size);
      expected.toServer.set(key(c), 1);
      expected.toClient.set(key(s), 1);
      p.client.push(c);
      p.server.push(s);
    });
  }
  p.network.run();
  plan.after();
  p.network.run();

  let wire = 0;
  let frames = 0;
  let plaintextFrames = 0;
  for (const s of adversary.seen) {
    const payload = seccommPayload(s.data);
    if (payload !== null && (Buffer.from(payload).includes('client#') || Buffer.from(payload).includes('server#'))) plaintextFrames++;
    if (payload?.[live ? 1 : 0] === 0) {
      wire += payload.length;
      frames++;
    }
  }
  const count = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  let gotThrough = 0;
  let complete = true;
  for (const [dir, exp] of [['toServer', expected.toServer], ['toClient', expected.toClient]] as const) {
    for (const [k, n] of got[dir]) if (!exp.has(k) || n > 1) gotThrough += exp.has(k) ? n - 1 : n;
    for (const k of exp.keys()) if (!got[dir].has(k)) complete = false;
  }
  return {
    composition: composition.name,
    seed: options.seed,
    adversary: options.adversary,
    sent: { clientToServer: options.messages, serverToClient: options.messages },
    delivered: { clientToServer: count(got.toServer), serverToClient: count(got.toClient) },
    rejected: Object.fromEntries(Object.entries(rejected).sort(([a], [b]) => a.localeCompare(b))),
    alerts,
    bytesOnWirePerMessage: frames === 0 ? 0 : Math.round((wire / frames) * 10) / 10,
    applicationBytesPerMessage: size,
    intactAndExactlyOnce: gotThrough === 0,
    complete,
    gotThrough,
    keyEpoch: p.client.conn.shared.get(Keys).epoch,
    plaintextFrames,
    generation: { client: p.client.live?.generation ?? 0, server: p.server.live?.generation ?? 0 },
    virtualMs: scheduler.now(),
  };
}
