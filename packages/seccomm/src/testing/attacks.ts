/**
 * The attacks `seccomm run` and the tests mount with the netsim adversary on the client's
 * link. The attacker is Dolev-Yao: it reads, drops, delays, replays and rewrites packets, and
 * fixes the UDP checksum of what it rewrites (as a real attacker would), so that what stops a
 * forged message is SecComm, not UDP.
 */
import { CompositeProtocol, GraphBuilder, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import type { CryptoEngine } from '@conduits/crypto';
import type { Adversary, InFlight } from '@conduits/netsim';
import { NextHeader, pseudoHeaderChecksum } from '@conduits/protocols-inet';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import type { ResolvedComposition } from '../config/composition.js';
import { openConnection } from '../runtime/secure-connection.js';

export type AttackKind = 'none' | 'tamper' | 'replay' | 'reorder' | 'reorder-far' | 'impersonate' | 'drop' | 'replay-keys';
export const attackKinds: readonly AttackKind[] = ['none', 'tamper', 'replay', 'reorder', 'reorder-far', 'impersonate', 'drop', 'replay-keys'];

const PAYLOAD = 48;
/** SecComm frame kinds (first payload byte). */
const DATA = 0;
const KEY = 1;

/** The SecComm payload of an IPv6/UDP packet without extension headers, or null. */
export function seccommPayload(packet: Uint8Array): Uint8Array | null {
  return packet.length > PAYLOAD && packet[6] === NextHeader.UDP ? packet.subarray(PAYLOAD) : null;
}

/** The same IPv6/UDP packet with another payload: lengths and checksum made right. */
export function withPayload(packet: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(PAYLOAD + payload.length);
  out.set(packet.subarray(0, PAYLOAD));
  out.set(payload, PAYLOAD);
  const v = new DataView(out.buffer);
  v.setUint16(4, 8 + payload.length);
  v.setUint16(44, 8 + payload.length);
  v.setUint16(46, 0);
  const c = pseudoHeaderChecksum(v, 8, 24, null, null, NextHeader.UDP, 40, out.length);
  v.setUint16(46, c === 0 ? 0xffff : c);
  return out;
}

const isData = (p: InFlight): boolean => p.direction === 'a->b' && seccommPayload(p.data)?.[0] === DATA;
const isKey = (p: InFlight): boolean => seccommPayload(p.data)?.[0] === KEY;

export interface AttackPlan {
  /** Called once traffic has ended, for attacks that act afterwards (replay). */
  readonly after: () => void;
  /** Forged or replayed messages the attacker put in, to tell them from honest ones. */
  readonly injected: () => number;
}

/**
 * Arm `adversary` (on the client's link, 'a->b' is client → server). Every third data packet
 * from the client is the target where the attack is selective.
 */
export function mountAttack(kind: AttackKind, adversary: Adversary, forge: () => Uint8Array): AttackPlan {
  let n = 0;
  let injected = 0;
  const every3 = (p: InFlight): boolean => isData(p) && n++ % 3 === 1;
  switch (kind) {
    case 'tamper':
      adversary.modify(every3, (d) => {
        const out = Uint8Array.from(d);
        out[out.length - 1] = (out[out.length - 1] as number) ^ 0x01;
        return withPayload(out, out.subarray(PAYLOAD));
      });
      break;
    case 'reorder':
      adversary.delay(every3, 7);
      break;
    case 'reorder-far':
      // The second client data packet held back 200 ms: at a message a millisecond it arrives behind the whole stream.
      adversary.delay((p) => isData(p) && n++ === 1, 200);
      break;
    case 'drop':
      adversary.drop(every3);
      break;
    case 'impersonate':
      // Alongside every third client packet, a message forged by an attacker who holds none of the client's keys.
      adversary.rule((p) => {
        if (every3(p)) {
          const forged = forge();
          forged[1] = seccommPayload(p.data)?.[1] ?? 0; // claim the current key epoch
          adversary.inject('a->b', withPayload(p.data, forged), 1);
          injected++;
        }
        return 'pass';
      });
      break;
    default:
      break;
  }
  return {
    after: () => {
      const seen = adversary.seen;
      const pick = kind === 'replay' ? seen.filter(isData) : kind === 'replay-keys' ? seen.filter(isKey) : [];
      for (const p of pick) {
        adversary.inject(p.direction, p.data, 1);
        injected++;
      }
    },
    injected: () => injected,
  };
}

/**
 * The impersonator: the same composition, run by someone with keys of their own — random
 * shared keys at every index, their own signing and X25519 keys — claiming to be the client.
 * Key distribution is left out: the attacker cannot take part in the real one.
 */
export function forger(composition: ResolvedComposition, engine: CryptoEngine, text: (i: number) => Uint8Array, now: () => number, serverAgreementKey: Uint8Array): () => Uint8Array {
  const ms = composition.microProtocols.filter((m) => m.class !== 'key-distribution' && m.class !== 'key-creation' && m.class !== 'public-key-acquisition' && m.class !== 'non-repudiation');
  const keys = new Map<number, Uint8Array>();
  for (const m of ms) {
    const len = (catalog[m.name] as CatalogEntry).keyLength;
    if (m.key !== undefined && len !== undefined) keys.set(m.key, engine.randomBytes(Math.max(len, keys.get(m.key)?.length ?? 0)));
  }
  const scheduler = new Scheduler();
  const g = new GraphBuilder('mallory');
  const app = g.add(new ProbeAdaptor('mallory-app'));
  const out = g.add(new ProbeAdaptor('mallory-net'));
  const conn: CompositeProtocol = openConnection('mallory', { ...composition, microProtocols: ms.map((m) => ({ ...m, mode: 'DATA' as const })) }, {
    engine,
    role: 'client',
    keys,
    now,
    participants: { self: 'client', peer: 'server' },
    privateKey: engine.randomBytes(32),
    agreementKey: engine.randomBytes(32),
    agreementKeys: new Map([['server', serverAgreementKey]]),
  });
  g.stack(app, conn, out);
  g.build(scheduler);
  let i = 0;
  return () => {
    app.write(text(i++));
    scheduler.run();
    const sent = out.take();
    return Uint8Array.from(sent[sent.length - 1]?.data ?? new Uint8Array(2));
  };
}
