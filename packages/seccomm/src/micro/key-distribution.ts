/**
 * Key distribution micro-protocols (§3.3.6, Figure 7). Each creates (through keyCreate_j) and
 * distributes one key index; none secures its own messages: they raise keyMsgSend_i and
 * keyMsgReceive_i so that any security micro-protocols configured in mode KEYS protect them.
 * What they do guarantee themselves is what the paper asks of them — replay prevention — plus
 * key confirmation:
 *
 *   client:  C→S KEY(k)                 S→C ACK(confirm)
 *   server:  C→S REQUEST  S→C KEY(k)    C→S ACK(confirm)
 *   dh:      C→S OFFER(X25519 pub)      S→C ACCEPT(pub, confirm)   C→S CONFIRM(confirm)
 *   kdc:     C→KDC (Kerberos style, see kdc.ts), then C→S TICKET(ticket, authenticator)  S→C ACK(confirm)
 *
 * Every body is [type][target epoch u32][payload]. The target epoch is the Keys table epoch
 * the new key makes: a message for an epoch already passed is a replay (securityAlert); the
 * latest one repeated is a retransmission and gets the same answer again. The side that waits
 * for an answer retransmits on virtual time. Distributions run one at a time in key-index
 * order (the shared DistributionQueue — the effect of Figure 7's stop-and-re-raise of
 * openSession); each holds push disabled until its key is in force. replaceKey_i runs the same
 * exchange again on a live connection; the server asks the client to start it (REKEY).
 */
import { sharedKey, type CompositeProtocol, type Message, type MicroProtocol, type Timer } from '@conduits/core';
import { constantTimeEqual, type KeyAgreementKey } from '@conduits/crypto';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { Keys, raiseAlert, reject, settings } from '../runtime/context.js';
import { keyCreate, keyInstalled, keyMsgReceive, openSession, replaceKey, type KeyCreation } from '../runtime/events.js';
import { EDGE, sendKeyMessage } from '../runtime/framing.js';
import { Push } from '../runtime/push-gate.js';
import { kdcRequest, openAuthenticator, openKdcReply, openTicket, sealAuthenticator } from '../kdc/kdc-messages.js';
import { Services } from '../runtime/services.js';
import { Writer } from '../runtime/wire.js';
import { Participants } from '../runtime/context.js';

/** Key message types (the first byte of a key-distribution message's body). */
export const KeyMsg = { REQUEST: 1, KEY: 2, ACK: 3, OFFER: 4, ACCEPT: 5, CONFIRM: 6, TICKET: 7, REKEY: 8 } as const;
export type KeyMsg = (typeof KeyMsg)[keyof typeof KeyMsg];

/** Distributions run one at a time (§3.3.6: "one key is created and distributed before the next"). */
export class DistributionQueue {
  #busy = false;
  readonly #waiting: (() => void)[] = [];
  run(start: () => void): void {
    if (this.#busy) this.#waiting.push(start);
    else {
      this.#busy = true;
      start();
    }
  }
  done(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#busy = false;
    else next();
  }
}
export const Distributions = sharedKey<DistributionQueue>('Distributions', () => new DistributionQueue());

const enc = new TextEncoder();
const HEADER = 5;

function body(type: KeyMsg, target: number, ...parts: Uint8Array[]): Uint8Array {
  const w = new Writer().u8(type).u32(target);
  for (const p of parts) w.raw(p);
  return w.done();
}

export interface DistributionOptions {
  /** Bytes of the key distributed (the longest any micro-protocol using it needs). */
  readonly length: number;
  /** First retransmission timeout, ms; doubles on each try. */
  readonly timeout?: number;
  readonly tries?: number;
}

export function keyDistribution(m: ResolvedMicroProtocol, options: DistributionOptions): MicroProtocol {
  const name = label(m);
  const index = m.key ?? 1;
  const creation = m.creation ?? index;
  const rto = Number(m.params['timeout'] ?? options.timeout ?? 200);
  const maxTries = Number(m.params['tries'] ?? options.tries ?? 6);
  let dh: KeyAgreementKey | null = null;
  let pending: Uint8Array | null = null;
  return {
    name,
    start(c: CompositeProtocol) {
      const s = settings(c);
      const keys = c.shared.get(Keys);
      const gate = c.shared.get(Push);
      const queue = c.shared.get(Distributions);
      const client = s.role === 'client';
      let target = 0;
      let installed = -1;
      let initiating = false;
      let holding = true;
      let awaiting: KeyMsg | null = null;
      let lastSent: Uint8Array | null = null;
      let timer: Timer | null = null;
      let tries = 0;
      let rekeyAnswered = -1;
      /** What we answered each message type of the current handshake with, for retransmissions. */
      const answers = new Map<KeyMsg, Uint8Array | null>();
      gate.disable(name);

      const confirm = (k: Uint8Array, who: 'C' | 'S', t: number): Uint8Array => {
        const mac = s.engine.mac('hmac-sha256', k);
        try {
          return mac.compute(enc.encode(`seccomm key confirmation ${who}`), body(0 as KeyMsg, t), Uint8Array.of(index));
        } finally {
          mac.destroy();
        }
      };
      const create = (extra: Partial<KeyCreation> = {}): Uint8Array => {
        const req: KeyCreation = { length: options.length, ...extra };
        c.runtime.raise(keyCreate(creation), req);
        if (req.key === undefined || req.key.length !== options.length) throw new Error(`${name}: keyCreate_${creation} made no ${options.length}-byte key (is the key creation micro-protocol there?)`);
        return req.key;
      };
      const stopWaiting = (): void => {
        awaiting = null;
        lastSent = null;
        c.graph.scheduler.cancel(timer);
        timer = null;
      };
      const transmit = (): void => {
        if (lastSent === null) return;
        sendKeyMessage(c, index, lastSent);
        timer = c.graph.scheduler.after(rto * 2 ** tries, () => {
          timer = null;
          if (++tries >= maxTries) return fail();
          transmit();
        });
      };
      const sendAwaiting = (b: Uint8Array, answer: KeyMsg): void => {
        stopWaiting();
        tries = 0;
        lastSent = b;
        awaiting = answer;
        transmit();
      };
      const answer = (to: KeyMsg, b: Uint8Array | null): void => {
        answers.set(to, b);
        if (b !== null) sendKeyMessage(c, index, b);
      };
      const finish = (): void => {
        stopWaiting();
        keys.commit();
        installed = target;
        pending = null;
        dh?.destroy();
        dh = null;
        if (initiating) {
          initiating = false;
          // The next distribution starts after this event, so our last answer leaves before its first message.
          c.graph.scheduler.defer(() => queue.done());
        }
        if (holding) {
          holding = false;
          gate.enable(c, name);
        }
        // Last, so that nothing a listener does can leave the exchange half finished.
        c.runtime.raise(keyInstalled, { index, epoch: keys.epoch });
      };
      const fail = (): void => {
        raiseAlert(c, name, 'key-distribution-failed');
        stopWaiting();
        if (!initiating) return;
        keys.abandon();
        pending = null;
        initiating = false;
        queue.done();
        // A failed replacement leaves the old key in force; a failed first distribution leaves nothing to send with.
        if (holding && keys.has(index)) {
          holding = false;
          gate.enable(c, name);
        }
      };
      const newHandshake = (t: number): void => {
        target = t;
        answers.clear();
        stopWaiting();
      };

      const begin = (): void => {
        initiating = true;
        if (!holding) {
          holding = true;
          gate.disable(name);
        }
        newHandshake(keys.epoch + 1);
        switch (m.name) {
          case 'client-key-distribution':
            pending = create();
            keys.stage(index, pending);
            return sendAwaiting(body(KeyMsg.KEY, target, pending), KeyMsg.ACK);
          case 'server-key-distribution':
            return sendAwaiting(body(KeyMsg.REQUEST, target), KeyMsg.KEY);
          case 'dh-key-distribution':
            dh = s.engine.keyAgreement('x25519');
            return sendAwaiting(body(KeyMsg.OFFER, target, dh.publicKey), KeyMsg.ACCEPT);
          default:
            return askKdc();
        }
      };

      const askKdc = (): void => {
        const services = c.shared.get(Services);
        const master = keys.get(Number(m.params['masterKey']), 0);
        if (services === null || master === undefined) throw new Error(`${name}: needs OpenOptions.services and the KDC master key at index ${String(m.params['masterKey'])}`);
        const who = c.shared.get(Participants);
        const nonce = s.engine.randomBytes(16);
        const t = target;
        services.call(String(m.params['kdc']), kdcRequest(who.self, who.peer, nonce, options.length), (reply) => {
          if (t !== target || !initiating) return;
          const opened = reply === null ? null : openKdcReply(s.engine, master, reply, nonce, who.peer);
          if (opened === null) return fail();
          pending = opened.key;
          keys.stage(index, pending);
          const auth = sealAuthenticator(s.engine, pending, who.self, target, s.now());
          sendAwaiting(body(KeyMsg.TICKET, target, new Writer().bytes(opened.ticket).done(), auth), KeyMsg.ACK);
        });
      };

      /** The key is agreed on our side: hold it, confirm it with `reply`, finish, and keep the reply for retransmissions of `to`. */
      const installAndAnswer = (k: Uint8Array, reply: KeyMsg, who: 'C' | 'S', to: KeyMsg): null => {
        keys.stage(index, k);
        const r = body(reply, target, confirm(k, who, target));
        finish();
        answer(to, r);
        return null;
      };

      /** Handle one key message of the current handshake; null, or why it is refused. */
      const handle = (type: KeyMsg, p: Uint8Array): string | null => {
        const got = (len: number): boolean => p.length === len;
        if (client) {
          switch (type) {
            case KeyMsg.ACK: {
              if (awaiting !== KeyMsg.ACK || pending === null || !got(32)) return 'key-msg-unexpected';
              if (!constantTimeEqual(p, confirm(pending, 'S', target))) return 'key-confirm-failed';
              finish();
              return null;
            }
            case KeyMsg.KEY: {
              if (m.name !== 'server-key-distribution' || !got(options.length)) return 'key-msg-unexpected';
              return installAndAnswer(p, KeyMsg.ACK, 'C', KeyMsg.KEY);
            }
            case KeyMsg.ACCEPT: {
              if (m.name !== 'dh-key-distribution' || dh === null || !got(64)) return 'key-msg-unexpected';
              const peer = p.subarray(0, 32);
              const k = create({ material: dh.deriveShared(peer), info: transcript(dh.publicKey, peer, target, index) });
              if (!constantTimeEqual(p.subarray(32), confirm(k, 'S', target))) return 'key-confirm-failed';
              return installAndAnswer(k, KeyMsg.CONFIRM, 'C', KeyMsg.ACCEPT);
            }
            default:
              return 'key-msg-unexpected';
          }
        }
        switch (type) {
          case KeyMsg.KEY: {
            if (m.name !== 'client-key-distribution' || !got(options.length)) return 'key-msg-unexpected';
            return installAndAnswer(p, KeyMsg.ACK, 'S', KeyMsg.KEY);
          }
          case KeyMsg.REQUEST: {
            if (m.name !== 'server-key-distribution' || !got(0)) return 'key-msg-unexpected';
            pending = create();
            keys.stage(index, pending);
            const key = body(KeyMsg.KEY, target, pending);
            answers.set(KeyMsg.REQUEST, key);
            sendAwaiting(key, KeyMsg.ACK);
            return null;
          }
          case KeyMsg.OFFER: {
            if (m.name !== 'dh-key-distribution' || !got(32)) return 'key-msg-unexpected';
            const mine = s.engine.keyAgreement('x25519');
            try {
              pending = create({ material: mine.deriveShared(p), info: transcript(p, mine.publicKey, target, index) });
              keys.stage(index, pending);
              const accept = body(KeyMsg.ACCEPT, target, mine.publicKey, confirm(pending, 'S', target));
              answers.set(KeyMsg.OFFER, accept);
              sendAwaiting(accept, KeyMsg.CONFIRM);
            } finally {
              mine.destroy();
            }
            return null;
          }
          case KeyMsg.ACK:
          case KeyMsg.CONFIRM: {
            const wanted = m.name === 'dh-key-distribution' ? KeyMsg.CONFIRM : KeyMsg.ACK;
            if (type !== wanted || awaiting !== wanted || pending === null || !got(32)) return 'key-msg-unexpected';
            if (!constantTimeEqual(p, confirm(pending, 'C', target))) return 'key-confirm-failed';
            finish();
            answers.set(type, null);
            return null;
          }
          case KeyMsg.TICKET: {
            if (m.name !== 'kdc-key-distribution' || p.length < 2) return 'key-msg-unexpected';
            const master = keys.get(Number(m.params['masterKey']), 0);
            if (master === undefined) return 'key-missing';
            const tl = (p[0] as number) * 256 + (p[1] as number);
            const ticket = openTicket(s.engine, master, p.subarray(2, 2 + tl), c.shared.get(Participants), s.now());
            if (ticket === null || ticket.key.length !== options.length) return 'kdc-ticket-invalid';
            if (!openAuthenticator(s.engine, ticket.key, p.subarray(2 + tl), ticket.client, target, s.now())) return 'kdc-authenticator-invalid';
            return installAndAnswer(ticket.key, KeyMsg.ACK, 'S', KeyMsg.TICKET);
          }
          default:
            return 'key-msg-unexpected';
        }
      };

      c.runtime.bind(
        keyMsgReceive(index),
        (msg: Message, _s: null, rt) => {
          rt.stop();
          const b = msg.buffer;
          if (b.length < HEADER) return reject(c, name, msg, 'key-msg-malformed');
          const type = b.bytes[b.start] as KeyMsg;
          const t = b.view.getUint32(b.start + 1);
          const p = b.bytes.slice(b.start + HEADER, b.end);
          if (type === KeyMsg.REKEY) {
            // The server asks for a new key; it names the epoch it wants replaced, so an old request replayed is seen.
            if (!client || t !== keys.epoch || t <= rekeyAnswered) return reject(c, name, msg, 'key-msg-replayed');
            rekeyAnswered = t;
            msg.release();
            queue.run(begin);
            return;
          }
          if (t <= keys.epoch) {
            if (t !== installed || !answers.has(type)) return reject(c, name, msg, 'key-msg-replayed');
            const again = answers.get(type);
            if (again) sendKeyMessage(c, index, again);
            return msg.release();
          }
          // Early (the previous exchange's last message is still on its way): not an attack; the retransmission will do.
          if (t > keys.epoch + 1) return c.drop(msg, 'key-msg-early');
          if (t !== target) {
            if (client) return reject(c, name, msg, 'key-msg-unexpected');
            newHandshake(t);
          } else if (answers.has(type)) {
            const again = answers.get(type);
            if (again) sendKeyMessage(c, index, again);
            return msg.release();
          }
          const refused = handle(type, p);
          if (refused !== null) return reject(c, name, msg, refused);
          msg.release();
        },
        -EDGE,
        null,
        name,
      );
      c.runtime.bind(
        replaceKey(index),
        () => {
          if (client) queue.run(begin);
          else sendKeyMessage(c, index, body(KeyMsg.REKEY, keys.epoch));
        },
        0,
        null,
        name,
      );
      if (client) c.runtime.bind(openSession, () => queue.run(begin), index, null, name);
    },
    stop() {
      dh?.destroy();
      pending?.fill(0);
    },
  };
}

/** What the derived key is bound to: both public values, the epoch and the key index. */
function transcript(clientPub: Uint8Array, serverPub: Uint8Array, target: number, index: number): Uint8Array {
  return body(0 as KeyMsg, target, enc.encode('seccomm dh'), clientPub, serverPub, Uint8Array.of(index));
}
