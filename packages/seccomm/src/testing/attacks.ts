/**
 * The attacks `seccomm run` and the tests mount with the netsim adversary on the client's
 * link. The attacker is Dolev-Yao: it reads, drops, delays, replays and rewrites packets, and
 * fixes the UDP checksum of what it rewrites (as a real attacker would), so that what stops a
 * forged message is SecComm, not UDP.
 */
import type { CompositeProtocol } from '@conduits/core';
import { GraphBuilder, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import type { CryptoEngine } from '@conduits/crypto';
import type { Adversary, InFlight } from '@conduits/netsim';
import { NextHeader } from '@conduits/protocols-inet';
import { pseudoHeaderChecksum } from '@conduits/protocols-inet/codec';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import type { ResolvedComposition } from '../config/composition.js';
import { openConnection } from '../runtime/secure-connection.js';

export const attackKinds = [
  'none',
  'tamper',
  'replay',
  'reorder',
  'reorder-far',
  'impersonate',
  'drop',
  'replay-keys',
  'reflect',
  'downgrade',
] as const;
export type AttackKind = (typeof attackKinds)[number];
/** Attacks that need a live connection (a generation byte and recomposition). */
export const liveAttacks: readonly AttackKind[] = ['downgrade'];

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

const isData = (p: InFlight): boolean =>
  p.direction === 'a->b' && seccommPayload(p.data)?.[0] === DATA;
/** On a live connection the generation byte comes first, the frame kind second. */
const isLiveData = (p: InFlight): boolean =>
  p.direction === 'a->b' && seccommPayload(p.data)?.[1] === DATA;

/** The packet sent back to where it came from: IPv6 addresses and UDP ports swapped. */
export function reflected(packet: Uint8Array): Uint8Array {
  const out = Uint8Array.from(packet);
  out.set(packet.subarray(24, 40), 8);
  out.set(packet.subarray(8, 24), 24);
  out.set(packet.subarray(42, 44), 40);
  out.set(packet.subarray(40, 42), 42);
  return withPayload(out, out.subarray(PAYLOAD));
}

/** What the downgrade attacker turns a known application message into: a PROPOSE of no protection for the next generation. */
export function downgradeProposal(length: number, generation: number): Uint8Array | null {
  const json = new TextEncoder().encode('{"name":"nothing","microProtocols":[]}');
  // [CONTROL][PROPOSE][generation] json, padded with JSON whitespace to the length of what it replaces.
  if (length < json.length + 3) return null;
  const out = new Uint8Array(length).fill(0x20);
  out.set([1, 1, generation & 0xff]);
  out.set(json, 3);
  return out;
}

export interface KnownTraffic {
  /** The application bytes of the client's i-th message (the attacker knows or guesses them). */
  readonly plaintext: (i: number) => Uint8Array;
}
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
export function mountAttack(
  kind: AttackKind,
  adversary: Adversary,
  forge: () => Uint8Array,
  known?: KnownTraffic,
): AttackPlan {
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
    case 'reflect':
      // Every third client data packet also comes back to the client, as if the server had sent it.
      adversary.rule((p) => {
        if (every3(p)) {
          adversary.inject('b->a', reflected(p.data), 1);
          injected++;
        }
        return 'pass';
      });
      break;
    case 'downgrade': {
      // On a live connection: the client's second message, whose plaintext the attacker knows, is
      // rewritten in place (XOR, as a malleable cipher allows) into a PROPOSE of no protection at all.
      // [generation][kind][epoch] ... E([APP] message): the application bytes end the frame unless something follows.
      let k = 0;
      adversary.modify(
        (p) => isLiveData(p) && k++ === 1,
        (d) => {
          const plain = known?.plaintext(1);
          const payload = seccommPayload(d);
          if (plain === undefined || payload === null) return d;
          const original = new Uint8Array(plain.length + 1);
          original.set(plain, 1);
          const forged = downgradeProposal(original.length, (payload[0] as number) + 1);
          if (forged === null || payload.length < original.length) return d;
          const at = payload.length - original.length;
          for (let i = 0; i < original.length; i++)
            payload[at + i] =
              (payload[at + i] as number) ^ (original[i] as number) ^ (forged[i] as number);
          injected++;
          return withPayload(d, payload);
        },
      );
      break;
    }
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
      const pick =
        kind === 'replay' ? seen.filter(isData) : kind === 'replay-keys' ? seen.filter(isKey) : [];
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
export function forger(
  composition: ResolvedComposition,
  engine: CryptoEngine,
  text: (i: number) => Uint8Array,
  now: () => number,
  serverAgreementKey: Uint8Array,
): () => Uint8Array {
  const ms = composition.microProtocols.filter(
    (m) =>
      m.class !== 'key-distribution' &&
      m.class !== 'key-creation' &&
      m.class !== 'public-key-acquisition' &&
      m.class !== 'non-repudiation',
  );
  const keys = new Map<number, Uint8Array>();
  for (const m of ms) {
    const len = (catalog[m.name] as CatalogEntry).keyLength;
    if (m.key !== undefined && len !== undefined)
      keys.set(m.key, engine.randomBytes(Math.max(len, keys.get(m.key)?.length ?? 0)));
  }
  const scheduler = new Scheduler();
  const g = new GraphBuilder('mallory');
  const app = g.add(new ProbeAdaptor('mallory-app'));
  const out = g.add(new ProbeAdaptor('mallory-net'));
  const conn: CompositeProtocol = openConnection(
    'mallory',
    { ...composition, microProtocols: ms.map((m) => ({ ...m, mode: 'DATA' as const })) },
    {
      engine,
      role: 'client',
      keys,
      now,
      participants: { self: 'client', peer: 'server' },
      privateKey: engine.randomBytes(32),
      agreementKey: engine.randomBytes(32),
      agreementKeys: new Map([['server', serverAgreementKey]]),
    },
  );
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
