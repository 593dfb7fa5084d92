/**
 * One SA (ESP or AH) as a conduit Protocol of three sessions (Java Conduits' FSM / Coder / Cipher):
 *
 *   side A (to the IPsec layer's SA Mux)
 *     FSM      sequence numbers, replay window, lifetimes       (the SecurityAssociation)
 *     Coder    the ESP header and trailer, or the AH; no key     (esp/esp-coder.ts, ah.ts)
 *     Cipher   the keys: seal / open, then turns the packet back (esp/esp-cipher.ts, ah.ts)
 *
 * A packet enters at side A with the Seal or Open messenger, climbs to the Cipher and comes
 * back down as Sealed or Opened, each session doing its part on the way up and on the way
 * back — so on receipt the FSM checks the sequence number before the Cipher spends anything,
 * and moves the window only after the Cipher authenticated the packet (RFC 4303 §3.4.3).
 * Whatever fails is dropped where it failed, counted by reason.
 */
import { attribute, defineTag, Protocol, type Messenger, type Session, type State } from '@conduits/core';
import { ipOffset, nextHeader, remoteAddress } from '@conduits/protocols-inet';
import { ahLengthProblem, ahSequenceOf, checkAh, pullAh, pushAhHeader, sealAh } from '../ah.js';
import { espSecurityRelevant, type EspDropReason } from '../esp-drop-reasons.js';
import { lengthProblem, pullHeader, pushHeader, sequenceOf, stripTrailer, writeTrailer } from '../esp/esp-coder.js';
import type { SecurityAssociation } from '../security-association.js';

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

function drop(s: Session, msg: Parameters<State['accept']>[1], r: EspDropReason): void {
  s.drop(msg, r, espSecurityRelevant.has(r));
}

function fsmState(sa: SecurityAssociation): State {
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
          const bad = ah ? ahLengthProblem(msg.buffer, sa.icvLength) : lengthProblem(msg.buffer, sa.ivLength, sa.icvLength, sa.block);
          if (bad !== null) return drop(s, msg, bad);
          const seqLo = ah ? ahSequenceOf(msg.buffer) : sequenceOf(msg.buffer);
          const seqHi = sa.checkSequence(seqLo);
          if (typeof seqHi === 'string') return drop(s, msg, seqHi);
          msg.set(sequence, seqLo).set(sequenceHigh, seqHi);
          return s.send('B', msg);
        }
        return s.drop(msg, 'esp-unexpected-message');
      }
      if (m === Sealed) sa.account(ah ? msg.buffer.length : (msg.get(bytes) ?? 0));
      else sa.acceptSequence(msg.get(sequence) ?? 0, msg.buffer.length);
      s.send('A', msg);
    },
  };
}

function coderState(sa: SecurityAssociation): State {
  if (sa.protocol === 'ah') {
    return {
      name: 'ah-coder',
      accept(s, msg, from) {
        if (from === 'A') {
          // The AH goes in before its ICV is computed; coming in, it stays until the ICV is checked.
          if (msg.messenger === Seal) pushAhHeader(msg.buffer, msg.get(nextHeader) ?? 59, sa.icvLength, sa.spi, (msg.get(sequence) ?? 0) >>> 0);
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

function cipherState(sa: SecurityAssociation): State {
  const cipher = sa.cipher;
  const ah = sa.protocol === 'ah';
  return {
    name: ah ? 'ah-cipher' : 'esp-cipher',
    accept(s, msg) {
      const b = msg.buffer;
      if (msg.messenger === Seal) {
        if (ah) sealAh(cipher, b, msg.get(sequence) ?? 0, msg.get(ahSource) as Uint8Array, msg.get(remoteAddress) as Uint8Array);
        else cipher.seal(b, msg.get(sequence) ?? 0);
        msg.messenger = Sealed;
      } else {
        const r = ah ? checkAh(cipher, b, msg.get(ipOffset) ?? 0, msg.get(sequenceHigh) ?? 0) : cipher.open(b, msg.get(sequence) ?? 0, msg.get(sequenceHigh) ?? 0);
        if (r !== null) return drop(s, msg, r);
        msg.messenger = Opened;
      }
      s.send('A', msg);
    },
  };
}

/** The Protocol for one SA (a fresh one per SA: its sessions hold that SA's parts). */
export function saProtocol(sa: SecurityAssociation): Protocol {
  const id = `0x${sa.spi.toString(16).padStart(8, '0')}`;
  const p = sa.protocol;
  return new Protocol(`${p}-sa ${sa.direction} ${id}`, (g) => {
    const fsm = g.session(`${p}-fsm ${id}`, { initial: fsmState(sa) });
    const coder = g.session(`${p}-coder ${id}`, { initial: coderState(sa) });
    const cipher = g.session(`${p}-cipher ${id}`, { initial: cipherState(sa), terminal: 'B' });
    g.stack(cipher, coder, fsm);
    return { a: fsm.a };
  });
}
