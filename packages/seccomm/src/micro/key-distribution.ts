/**
 * Key distribution micro-protocols (§3.3.6, Figure 7). Each creates (through keyCreate_j) and
 * distributes one key index; none secures its own messages: they raise keyMsgSend_i and
 * keyMsgReceive_i so that any security micro-protocols configured in mode KEYS protect them.
 * What they do guarantee themselves is what the paper asks of them — replay prevention — plus
 * key confirmation. Each protocol is a pair of tasks (core's Task / TaskHost, in charon's
 * manner), one file each under distribution/:
 *
 *   client:  C→S KEY(k)                 S→C ACK(confirm)                     client-distribution.ts
 *   server:  C→S REQUEST  S→C KEY(k)    C→S ACK(confirm)                     server-distribution.ts
 *   dh:      C→S OFFER(X25519 pub)      S→C ACCEPT(pub, confirm)   C→S CONFIRM(confirm)   dh-distribution.ts
 *   kdc:     C→KDC (Kerberos style, see kdc/), then C→S TICKET(ticket, authenticator)  S→C ACK(confirm)   kdc-distribution.ts
 *
 * This file is what is left around them: the events. Every body is [type][target epoch
 * u32][payload]; the target epoch is the exchange id. A message for an epoch already passed is
 * a replay (securityAlert), except a repetition of the last exchange's messages, which the
 * TaskHost answers from the reply it stored; the side that waits for an answer retransmits on
 * virtual time. Distributions run one at a time in key-index order (the shared
 * DistributionQueue — the effect of Figure 7's stop-and-re-raise of openSession); each holds
 * push disabled until its key is in force. replaceKey_i runs the same exchange again on a live
 * connection; the server asks the client to start it (REKEY). close() closes the host: no
 * retransmission, no KDC call, no callback after it.
 */
import {
  sharedKey,
  TaskHost,
  type CompositeProtocol,
  type Message,
  type MicroProtocol,
  type Task,
  type TaskError,
  type TaskOwner,
} from '@conduits/core';
import { label, type ResolvedMicroProtocol } from '../config/composition.js';
import { raiseAlert, reject } from '../runtime/context.js';
import { keyInstalled, keyMsgReceive, openSession, replaceKey } from '../runtime/events.js';
import { EDGE, sendKeyMessage } from '../runtime/framing.js';
import { Push, type PushGate } from '../runtime/push-gate.js';
import { ClientKeyInitiator, ClientKeyResponder } from './distribution/client-distribution.js';
import { DhInitiator, DhResponder } from './distribution/dh-distribution.js';
import { DistributionContext } from './distribution/distribution-context.js';
import {
  KdcKeyRequest,
  KdcTicketInitiator,
  KdcTicketResponder,
  type KdcGrant,
  type KdcRequestOwner,
} from './distribution/kdc-distribution.js';
import { KEY_HEADER, keyBody, KeyMessage, KeyMsg, KeyWire } from './distribution/key-message.js';
import { ServerKeyInitiator, ServerKeyResponder } from './distribution/server-distribution.js';

export { KeyMsg } from './distribution/key-message.js';

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
export const Distributions = sharedKey<DistributionQueue>(
  'Distributions',
  () => new DistributionQueue(),
);

export interface DistributionOptions {
  /** Bytes of the key distributed (the longest any micro-protocol using it needs). */
  readonly length: number;
  /** First retransmission timeout, ms; doubles on each try. */
  readonly timeout?: number;
  readonly tries?: number;
}

type KeyTask = Task<KeyMessage, KeyMessage>;

export function keyDistribution(
  m: ResolvedMicroProtocol,
  options: DistributionOptions,
): MicroProtocol {
  return new KeyDistribution(m, options);
}

/** One key distribution micro-protocol in one connection: the events around its TaskHost. */
class KeyDistribution implements MicroProtocol, TaskOwner<KeyMessage, KeyMessage>, KdcRequestOwner {
  readonly name: string;
  readonly #m: ResolvedMicroProtocol;
  readonly #options: DistributionOptions;
  #ctx: DistributionContext | null = null;
  #host: TaskHost<KeyMessage, KeyMessage> | null = null;
  #gate: PushGate | null = null;
  #queue: DistributionQueue | null = null;
  #client = false;
  /** The epoch our last completed exchange made. */
  #installed = -1;
  /** We started the exchange under way (the queue waits for it). */
  #initiating = false;
  /** We hold push disabled. */
  #holding = true;
  #rekeyAnswered = -1;
  #kdc: KdcKeyRequest | null = null;
  #closed = false;
  /** Bound once: the queue and the scheduler take these. */
  readonly #begin = (): void => this.#start();
  readonly #next = (): void => this.#queue?.done();

  constructor(m: ResolvedMicroProtocol, options: DistributionOptions) {
    this.name = label(m);
    this.#m = m;
    this.#options = options;
  }

  start(c: CompositeProtocol): void {
    const m = this.#m;
    const index = m.key ?? 1;
    const ctx = new DistributionContext(
      c,
      m,
      this.name,
      index,
      m.creation ?? index,
      this.#options.length,
    );
    this.#ctx = ctx;
    this.#client = ctx.settings.role === 'client';
    this.#gate = c.shared.get(Push);
    this.#queue = c.shared.get(Distributions);
    this.#host = new TaskHost(c.graph.scheduler, new KeyWire(c, index), this, {
      name: this.name,
      timeout: Number(m.params['timeout'] ?? this.#options.timeout ?? 200),
      tries: Number(m.params['tries'] ?? this.#options.tries ?? 6),
    });
    this.#gate.disable(this.name);
    c.runtime.bind(
      keyMsgReceive(index),
      (msg: Message, _s: null, rt) => (rt.stop(), this.#receive(msg)),
      -EDGE,
      null,
      this.name,
    );
    c.runtime.bind(
      replaceKey(index),
      () => {
        if (this.#closed) return;
        if (this.#client) this.#queue?.run(this.#begin);
        else sendKeyMessage(c, index, keyBody(KeyMsg.REKEY, ctx.keys.epoch));
      },
      0,
      null,
      this.name,
    );
    if (this.#client)
      c.runtime.bind(openSession, () => this.#queue?.run(this.#begin), index, null, this.name);
  }

  stop(): void {
    this.#closed = true;
    this.#kdc?.cancel();
    this.#kdc = null;
    this.#host?.close();
  }

  /** TaskOwner: the exchange finished; the task has put its key in force (committed the staged epoch). */
  completed(_task: KeyTask, exchange: number): void {
    const ctx = this.#ctx as DistributionContext;
    this.#installed = exchange;
    if (this.#initiating) {
      this.#initiating = false;
      // The next distribution starts after this event, so our last message leaves before its first.
      ctx.c.graph.scheduler.defer(this.#next);
    }
    if (this.#holding) {
      this.#holding = false;
      this.#gate?.enable(ctx.c, this.name);
    }
    // Last, so that nothing a listener does can leave the exchange half finished.
    ctx.c.runtime.raise(keyInstalled, { index: ctx.index, epoch: ctx.keys.epoch });
  }

  /** TaskOwner: the exchange failed (no answer after the last retransmission). */
  failed(_task: KeyTask, _error: TaskError): void {
    this.#failed();
  }

  #failed(): void {
    const ctx = this.#ctx as DistributionContext;
    raiseAlert(ctx.c, this.name, 'key-distribution-failed');
    if (!this.#initiating) return;
    ctx.keys.abandon();
    this.#initiating = false;
    this.#queue?.done();
    // A failed replacement leaves the old key in force; a failed first distribution leaves nothing to send with.
    if (this.#holding && ctx.keys.has(ctx.index)) {
      this.#holding = false;
      this.#gate?.enable(ctx.c, this.name);
    }
  }

  /** KdcRequestOwner: no acceptable reply from the KDC in time. */
  kdcFailed(request: KdcKeyRequest): void {
    if (request !== this.#kdc) return;
    this.#kdc = null;
    this.#failed();
  }

  /** KdcRequestOwner: the KDC's reply opened; hand the server the ticket. */
  kdcGranted(request: KdcKeyRequest, grant: KdcGrant): void {
    if (request !== this.#kdc) return;
    this.#kdc = null;
    const ctx = this.#ctx as DistributionContext;
    this.#host?.initiate(new KdcTicketInitiator(ctx, request.target, grant), request.target);
  }

  /** The distribution starts an exchange (client, from the queue). */
  #start(): void {
    const ctx = this.#ctx as DistributionContext;
    const host = this.#host as TaskHost<KeyMessage, KeyMessage>;
    if (this.#closed) return this.#queue?.done();
    this.#initiating = true;
    if (!this.#holding) {
      this.#holding = true;
      this.#gate?.disable(this.name);
    }
    const target = ctx.keys.epoch + 1;
    this.#kdc?.cancel();
    this.#kdc = null;
    switch (this.#m.name) {
      case 'client-key-distribution':
        return host.initiate(new ClientKeyInitiator(ctx, target), target);
      case 'server-key-distribution':
        return host.initiate(new ServerKeyInitiator(ctx, target), target);
      case 'dh-key-distribution':
        return host.initiate(new DhInitiator(ctx, target), target);
      default:
        // The exchange with the server starts when the KDC has answered.
        host.abandon();
        this.#kdc = new KdcKeyRequest(ctx, target, this);
        this.#kdc.send();
    }
  }

  #responder(target: number): KeyTask {
    const ctx = this.#ctx as DistributionContext;
    switch (this.#m.name) {
      case 'client-key-distribution':
        return new ClientKeyResponder(ctx, target);
      case 'server-key-distribution':
        return new ServerKeyResponder(ctx, target);
      case 'dh-key-distribution':
        return new DhResponder(ctx, target);
      default:
        return new KdcTicketResponder(ctx, target);
    }
  }

  #receive(msg: Message): void {
    const ctx = this.#ctx as DistributionContext;
    const host = this.#host as TaskHost<KeyMessage, KeyMessage>;
    const c = ctx.c;
    if (this.#closed) return msg.release();
    const b = msg.buffer;
    if (b.length < KEY_HEADER) return reject(c, this.name, msg, 'key-msg-malformed');
    const type = b.bytes[b.start] as KeyMsg;
    const t = b.view.getUint32(b.start + 1);
    const epoch = ctx.keys.epoch;
    if (type === KeyMsg.REKEY) {
      // The server asks for a new key; it names the epoch it wants replaced, so an old request replayed is seen.
      if (!this.#client || t !== epoch || t <= this.#rekeyAnswered)
        return reject(c, this.name, msg, 'key-msg-replayed');
      this.#rekeyAnswered = t;
      msg.release();
      this.#queue?.run(this.#begin);
      return;
    }
    // Only the last exchange's own messages are answered again; anything else from the past is a replay.
    if (t <= epoch && (t !== this.#installed || t !== host.exchange))
      return reject(c, this.name, msg, 'key-msg-replayed');
    // Early (the previous exchange's last message is still on its way): not an attack; the retransmission will do.
    if (t > epoch + 1) return c.drop(msg, 'key-msg-early');
    const km = KeyMessage.received(type, t, b.bytes.slice(b.start + KEY_HEADER, b.end));
    let receipt;
    if (t === host.exchange) receipt = host.receive(km);
    else if (this.#client) receipt = 'unexpected' as const;
    else receipt = host.respond(this.#responder(t), km);
    if (receipt !== 'held') km.wipe();
    switch (receipt) {
      case 'processed':
      case 'answered':
      case 'failed':
      case 'held':
      case 'closed':
        return msg.release();
      case 'refused':
        return reject(c, this.name, msg, host.lastRefusal?.reason ?? 'key-msg-unexpected');
      case 'stale':
        return reject(c, this.name, msg, 'key-msg-replayed');
      default:
        return reject(c, this.name, msg, 'key-msg-unexpected');
    }
  }
}
