/**
 * One SA (ESP or AH) as a conduit Protocol of three sessions (Java Conduits' FSM / Coder / Cipher):
 *
 *   side A (to the IPsec layer's SA Mux)
 *     FSM      sequence numbers, replay window, lifetimes       (the SecurityAssociation)
 *     Coder    the ESP header and trailer, or the AH; no key     (esp/esp-coder.ts, ah.ts)
 *     Cipher   the keys: seal / open, then turns the packet back (esp/esp-cipher.ts, ah.ts)
 *
 * The Cipher session's state, made with the SA, makes the SA's cipher itself and keeps it in a
 * #private field; retiring the Protocol or destroying the SA wipes it.
 *
 * A packet enters at side A with the Seal or Open messenger, climbs to the Cipher and comes
 * back down as Sealed or Opened, each session doing its part on the way up and on the way
 * back — so on receipt the FSM checks the sequence number before the Cipher spends anything,
 * and moves the window only after the Cipher authenticated the packet (RFC 4303 §3.4.3).
 * Whatever fails is dropped where it failed, counted by reason.
 */
import {
  attribute,
  defineTag,
  Protocol,
  type Message,
  type Messenger,
  type Session,
  type State,
} from '@conduits/core';
import { ipOffset, nextHeader, remoteAddress } from '@conduits/protocols-inet';
import { ahLengthProblem, ahSequenceOf, checkAh, pullAh, pushAhHeader, sealAh } from '../ah.js';
import { espSecurityRelevant, type EspDropReason } from '../esp-drop-reasons.js';
import { EspCipher, type CipherConfig } from '../esp/esp-cipher.js';
import {
  lengthProblem,
  pullHeader,
  pushHeader,
  sequenceOf,
  stripTrailer,
  writeTrailer,
} from '../esp/esp-coder.js';
import { takeCipher, type SecurityAssociation } from '../security-association.js';

// Tags, not commands: each session of the SA acts on the packet's stage in its own accept.
/** Going up into an SA: protect this payload (its next header in the nextHeader attribute). */
export const Seal: Messenger = defineTag('esp-seal');
/** Going up into an SA: check and open this ESP packet. */
export const Open: Messenger = defineTag('esp-open');
/** Coming back down: the ESP packet is ready. */
export const Sealed: Messenger = defineTag('esp-sealed');
/** Coming back down: the payload is opened (its next header in the nextHeader attribute). */
export const Opened: Messenger = defineTag('esp-opened');

/** AH going out: the packet's source address (the ICV covers it). */
export const ahSource = attribute<Uint8Array>('ah.source', 'stack');

/** Per packet, between the three sessions. */
const sequence = attribute<number>('esp.seq', 'stack');
const sequenceHigh = attribute<number>('esp.seqHi', 'stack');
const bytes = attribute<number>('esp.bytes', 'stack');

/** Told why a packet was dropped inside the SA (the one-call forms return it). */
export type DropWatcher = (reason: EspDropReason) => void;
type Drop = (s: Session, msg: Parameters<State['accept']>[1], r: EspDropReason) => void;

function dropper(watch: DropWatcher | undefined): Drop {
  return (s, msg, r) => {
    s.drop(msg, r, espSecurityRelevant.has(r));
    watch?.(r);
  };
}

function fsmState(sa: SecurityAssociation, drop: Drop): State {
  const ah = sa.protocol === 'ah';
  return {
    name: 'esp-fsm',
    accept(s, msg, from) {
      const m = msg.messenger;
      if (from === 'A') {
        if (m === Seal) {
          const seq = sa.takeSequence();
          if (typeof seq === 'string') return drop(s, msg, seq);
          msg.set(sequence, seq).set(bytes, msg.buffer.length);
          return s.send('B', msg);
        }
        if (m === Open) {
          // The format first (a malformed packet is that, whatever its number), then the number.
          const bad = ah
            ? ahLengthProblem(msg.buffer, sa.icvLength)
            : lengthProblem(msg.buffer, sa.ivLength, sa.icvLength, sa.block);
          if (bad !== null) return drop(s, msg, bad);
          const seqLo = ah ? ahSequenceOf(msg.buffer) : sequenceOf(msg.buffer);
          const seqHi = sa.checkSequence(seqLo);
          if (typeof seqHi === 'string') return drop(s, msg, seqHi);
          msg.set(sequence, seqLo).set(sequenceHigh, seqHi);
          return s.send('B', msg);
        }
        return drop(s, msg, 'esp-unexpected-message');
      }
      if (m === Sealed) sa.account(ah ? msg.buffer.length : (msg.get(bytes) ?? 0));
      else sa.acceptSequence(msg.get(sequence) ?? 0, msg.buffer.length);
      s.send('A', msg);
    },
  };
}

function coderState(sa: SecurityAssociation, drop: Drop): State {
  if (sa.protocol === 'ah') {
    return {
      name: 'ah-coder',
      accept(s, msg, from) {
        if (from === 'A') {
          // The AH goes in before its ICV is computed; coming in, it stays until the ICV is checked.
          if (msg.messenger === Seal)
            pushAhHeader(
              msg.buffer,
              msg.get(nextHeader) ?? 59,
              sa.icvLength,
              sa.spi,
              (msg.get(sequence) ?? 0) >>> 0,
            );
          return s.send('B', msg);
        }
        if (msg.messenger === Opened) msg.set(nextHeader, pullAh(msg.buffer));
        s.send('A', msg);
      },
    };
  }
  return {
    name: 'esp-coder',
    accept(s, msg, from) {
      const m = msg.messenger;
      const b = msg.buffer;
      if (from === 'A') {
        if (m === Seal) writeTrailer(b, msg.get(nextHeader) ?? 59, sa.block);
        else {
          const bad = pullHeader(b, sa.ivLength, sa.icvLength, sa.block);
          if (bad !== null) return drop(s, msg, bad);
        }
        return s.send('B', msg);
      }
      if (m === Sealed) pushHeader(b, sa.spi, (msg.get(sequence) ?? 0) >>> 0);
      else {
        const nh = stripTrailer(b);
        if (typeof nh === 'string') return drop(s, msg, nh);
        msg.set(nextHeader, nh);
      }
      s.send('A', msg);
    },
  };
}

/** For the test kit and saProtocol: the fields stay #private to everyone else. */
let watchCipher: (c: CipherState, watch: DropWatcher | undefined) => void;
/** Known-answer tests only (the test kit's `fixIvs`): the IVs the SA's cipher sends with. Package-internal. */
export let fixCipherIvs: (c: CipherState, ivFor: (seq: number) => Uint8Array) => void;

/**
 * The Cipher of one SA: the state of its Cipher session, made with the SA. It makes the engine
 * key objects from the keying material it is given (wiping those bytes), keeps them in a
 * #private field, and wipes them when the SA is destroyed or its Protocol retired. The SA
 * holds it (#private) until its Protocol takes it, once. (A State rather than a Session
 * subclass: every session on the packet path stays one class, which V8 keeps monomorphic.)
 */
export class CipherState implements State {
  readonly name: string;
  readonly #ah: boolean;
  #cipher: EspCipher | null;
  #watch: DropWatcher | undefined = undefined;

  static {
    watchCipher = (c, watch) => void (c.#watch = watch);
    fixCipherIvs = (c, ivFor) => c.#cipher?.useIvs(ivFor);
  }

  constructor(sa: SecurityAssociation, keys: CipherConfig) {
    this.#ah = sa.protocol === 'ah';
    this.name = this.#ah ? 'ah-cipher' : 'esp-cipher';
    try {
      this.#cipher = new EspCipher(keys);
    } finally {
      // The engine key objects hold their own copies.
      keys.encryptionKey.fill(0);
      keys.integrityKey?.fill(0);
    }
  }

  get wiped(): boolean {
    return this.#cipher === null;
  }

  wipe(): void {
    this.#cipher?.destroy();
    this.#cipher = null;
  }

  /** Seal or open with this SA's cipher, then turn the packet back. */
  accept(s: Session, msg: Message): void {
    const cipher = this.#cipher;
    if (cipher === null) return this.#drop(s, msg, 'esp-sa-expired');
    const b = msg.buffer;
    if (msg.messenger === Seal) {
      if (this.#ah)
        sealAh(
          cipher,
          b,
          msg.get(sequence) ?? 0,
          msg.get(ahSource) as Uint8Array,
          msg.get(remoteAddress) as Uint8Array,
        );
      else cipher.seal(b, msg.get(sequence) ?? 0);
      msg.messenger = Sealed;
    } else {
      const r = this.#ah
        ? checkAh(cipher, b, msg.get(ipOffset) ?? 0, msg.get(sequenceHigh) ?? 0)
        : cipher.open(b, msg.get(sequence) ?? 0, msg.get(sequenceHigh) ?? 0);
      if (r !== null) return this.#drop(s, msg, r);
      msg.messenger = Opened;
    }
    s.send('A', msg);
  }

  #drop(s: Session, msg: Message, r: EspDropReason): void {
    s.drop(msg, r, espSecurityRelevant.has(r));
    this.#watch?.(r);
  }
}

/** Retire an SA's Protocol taken off a graph: close its sessions and wipe its Cipher's keys. */
export function retireSaProtocol(p: Protocol): void {
  for (const c of p.children) {
    if (c.kind !== 'session') continue;
    const s = c as Session;
    s.close();
    if (s.state instanceof CipherState) s.state.wipe();
  }
}

/**
 * The Protocol for one SA (a fresh one per SA: its sessions hold that SA's parts). It takes
 * the SA's Cipher session: an SA has one Protocol (a second throws SaKeysClaimedError).
 */
export function saProtocol(sa: SecurityAssociation, watch?: DropWatcher): Protocol {
  const id = `0x${sa.spi.toString(16).padStart(8, '0')}`;
  const p = sa.protocol;
  const drop = dropper(watch);
  // Taken before the Protocol is built, so that a second Protocol for the SA fails here and not in a later clone.
  let cipher: CipherState | null = takeCipher(sa);
  watchCipher(cipher, watch);
  return new Protocol(`${p}-sa ${sa.direction} ${id}`, (g) => {
    const fsm = g.session(`${p}-fsm ${id}`, { initial: fsmState(sa, drop) });
    const coder = g.session(`${p}-coder ${id}`, { initial: coderState(sa, drop) });
    if (cipher === null)
      throw new RangeError(`the ${p} SA ${id} Protocol holds its SA's keys and cannot be cloned`);
    const c = g.session(`${p}-cipher ${id}`, { initial: cipher, terminal: 'B' });
    cipher = null;
    g.stack(c, coder, fsm);
    return { a: fsm.a };
  });
}
