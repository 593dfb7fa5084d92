/**
 * One ISAKMP SA (Java Conduits Figure 9: the session under the cookie mux). Its FSM: phase 1
 * (Main Mode) and then Quick Modes as tasks on a TaskHost (retransmission with backoff, a
 * repeated request answered from the stored reply), Informational messages, and the
 * association's state. The Coder is `codec/` (pure functions); the Cipher (`IsakmpCipher`)
 * holds every key. It reaches the network only through its session's side A, and the policy
 * manager through `AssociationOwner`.
 */
import { TaskHost, type Scheduler, type Task, type TaskError, type Timer } from '@conduits/core';
import { wipe, type CryptoEngine } from '@conduits/crypto';
import type { Ipv6Address } from '@conduits/protocols-inet';
import type { IsakmpCipher } from '../cipher/isakmp-cipher.js';
import {
  ExchangeType,
  HeaderFlag,
  HEADER_LENGTH,
  IPSEC_DOI,
  NotifyType,
  ProtocolId,
} from '../codec/constants.js';
import { encodeHeader, hexOf } from '../codec/header.js';
import {
  decodePayloads,
  encodeMessage,
  encodePayloads,
  find,
  firstPayloadType,
  payloadsLength,
  type RawMessage,
} from '../codec/message.js';
import type { Payload } from '../codec/payloads.js';
import type { Phase1Suite } from '../policy/algorithms.js';
import type { ChildRuntime, PeerRuntime } from '../policy/peer-runtime.js';
import { MainModeInitiator } from '../tasks/main-mode-initiator.js';
import { MainModeResponder } from '../tasks/main-mode-responder.js';
import { AggressiveModeInitiator, AggressiveModeResponder } from '../tasks/aggressive-mode.js';
import { Phase1Error } from '../tasks/phase1.js';
import { endOf } from '../tasks/quick-mode-initiator.js';
import { QuickModeInitiator } from '../tasks/quick-mode-initiator.js';
import { QuickModeRefusedError, QuickModeResponder } from '../tasks/quick-mode-responder.js';
import { mid4, spiBytes, type ChildSaResult } from '../tasks/quick-mode.js';
import type { SaContext } from './context.js';
import type { Inbound, Outbound } from './messages.js';

export type AssociationState = 'half-open' | 'established' | 'failed' | 'deleted';

/** What the association tells the policy manager. */
export interface AssociationOwner {
  established(sa: IsakmpAssociation): void;
  childEstablished(sa: IsakmpAssociation, child: ChildSaResult): void;
  childFailed(sa: IsakmpAssociation, child: ChildRuntime | null, reason: string): void;
  /** Phase 1 failed or the association was deleted: it is gone (after this call). */
  ended(sa: IsakmpAssociation, reason: string): void;
  /** An authenticated Delete for IPsec SAs (our outbound SPIs). */
  deleted(sa: IsakmpAssociation, spis: readonly number[]): void;
  /** Something was dropped (counted by reason; security events alerted by the manager). */
  dropped(sa: IsakmpAssociation, reason: string): void;
}

export interface AssociationTransport {
  send(sa: IsakmpAssociation, bytes: Uint8Array): void;
}

export interface AssociationOptions {
  readonly engine: CryptoEngine;
  readonly scheduler: Scheduler;
  readonly local: Ipv6Address;
  readonly retransmit: { readonly timeout: number; readonly tries: number };
  readonly owner: AssociationOwner;
  readonly transport: AssociationTransport;
  readonly keyLog?: (line: string) => void;
  readonly natTraversal?: boolean;
}

/** Received messages remembered for duplicate detection, at most. */
const REMEMBER = 8;

export class IsakmpAssociation implements SaContext {
  readonly engine: CryptoEngine;
  readonly role: 'initiator' | 'responder';
  readonly ckyI: Uint8Array;
  ckyR: Uint8Array;
  readonly local: Ipv6Address;
  readonly peerAddress: Ipv6Address;
  readonly peer: PeerRuntime;
  cipher: IsakmpCipher | null = null;
  readonly keyLog: ((line: string) => void) | undefined;
  readonly natTraversal: boolean;
  peerNatT = false;
  floated = false;
  state: AssociationState = 'half-open';
  suite: Phase1Suite | null = null;
  readonly created: number;
  established = -1;
  /** Children made under this SA (for status). */
  readonly children: ChildSaResult[] = [];
  readonly #host: TaskHost<Inbound, Outbound>;
  readonly #owner: AssociationOwner;
  readonly #transport: AssociationTransport;
  readonly #scheduler: Scheduler;
  /** Quick Mode message id → TaskHost exchange number (phase 1 is exchange 1). */
  readonly #exchanges = new Map<number, number>();
  #nextExchange = 2;
  /** Messages from the peer already processed: exact repeats are answered, never decrypted again. */
  readonly #seen: { bytes: Uint8Array; exchange: number; step: number }[] = [];
  /** Messages processed from the peer per exchange, to number the next one's step. */
  readonly #steps = new Map<number, number>();
  #pendingChildren: ChildRuntime[] = [];
  #expiry: Timer | null = null;

  constructor(
    role: 'initiator' | 'responder',
    peer: PeerRuntime,
    peerAddress: Ipv6Address,
    ckyI: Uint8Array,
    o: AssociationOptions,
  ) {
    this.role = role;
    this.peer = peer;
    this.peerAddress = peerAddress;
    this.ckyI = ckyI;
    this.ckyR = role === 'responder' ? o.engine.randomBytes(8) : new Uint8Array(8);
    this.engine = o.engine;
    this.keyLog = o.keyLog;
    this.natTraversal = o.natTraversal ?? false;
    this.local = o.local;
    this.#owner = o.owner;
    this.#transport = o.transport;
    this.#scheduler = o.scheduler;
    this.created = o.scheduler.now();
    this.#host = new TaskHost<Inbound, Outbound>(
      o.scheduler,
      {
        exchangeOf: (m) => m.exchange,
        stepOf: (m) => m.step,
        create: (exchange) => ({ exchange, bytes: null }),
        send: (m) => m.bytes && this.#transport.send(this, m.bytes),
      },
      { completed: (t) => this.#completed(t), failed: (t, e) => this.#failed(t, e) },
      {
        name: `isakmp:${hexOf(ckyI)}`,
        timeout: o.retransmit.timeout,
        tries: o.retransmit.tries,
        backoff: 2,
        maxTimeout: 8 * o.retransmit.timeout,
      },
    );
  }

  get key(): string {
    return hexOf(this.ckyI);
  }

  get stats(): TaskHost<Inbound, Outbound>['stats'] {
    return this.#host.stats;
  }

  /** Start Main Mode as initiator; children in `children` follow once it is done. */
  start(children: readonly ChildRuntime[]): void {
    this.#pendingChildren.push(...children);
    this.#host.initiate(
      this.peer.config.mode === 'aggressive'
        ? new AggressiveModeInitiator(this)
        : new MainModeInitiator(this),
      1,
    );
  }

  /** Negotiate a child (after phase 1, or queued until it is done). */
  negotiate(child: ChildRuntime): void {
    if (this.state === 'established' && this.#host.task === null) this.#startQuickMode(child);
    else this.#pendingChildren.push(child);
  }

  plain(
    out: Outbound,
    exchangeType: number,
    messageId: number,
    payloads: readonly Payload[],
  ): void {
    out.bytes = encodeMessage(
      { initiatorCookie: this.ckyI, responderCookie: this.ckyR, exchangeType, flags: 0, messageId },
      payloads,
    );
  }

  encrypted(
    out: Outbound,
    exchangeType: number,
    messageId: number,
    payloads: readonly Payload[],
  ): void {
    out.bytes = this.#encrypt(exchangeType, messageId, payloads);
  }

  #encrypt(exchangeType: number, messageId: number, payloads: readonly Payload[]): Uint8Array {
    const plain = encodePayloads(payloads, new Uint8Array(payloadsLength(payloads)));
    const ct = this.cipher!.encrypt(messageId, plain);
    wipe(plain);
    const out = new Uint8Array(HEADER_LENGTH + ct.length);
    encodeHeader(
      {
        initiatorCookie: this.ckyI,
        responderCookie: this.ckyR,
        nextPayload: firstPayloadType(payloads),
        exchangeType,
        flags: HeaderFlag.ENCRYPTION,
        messageId,
      },
      out.length,
      out,
    );
    out.set(ct, HEADER_LENGTH);
    return out;
  }

  /** A message for this association (the mux routed it on the initiator cookie). */
  receive(m: RawMessage, port = 500): void {
    // RFC 3947: the initiator moves to 4500 after NAT detection; we follow where it asks from.
    if (port === 4500 && this.peerNatT) this.floated = true;
    if (this.state === 'failed' || this.state === 'deleted') return this.#drop('association-gone');
    const h = m.header;
    const zeroR = h.responderCookie.every((b) => b === 0);
    // The responder cookie must be ours; only a repeated first message may still carry zero.
    const learning = this.role === 'initiator' && this.ckyR.every((b) => b === 0) && !zeroR;
    if (!equal(h.responderCookie, this.ckyR) && !learning && !(zeroR && this.role === 'responder'))
      return this.#drop('invalid-cookie');
    const dup = this.#seen.find((s) => equal(s.bytes, m.bytes));
    if (dup) {
      this.#host.receive({
        exchange: dup.exchange,
        step: dup.step,
        header: h,
        payloads: null,
        opened: null,
        bytes: m.bytes,
      });
      return;
    }
    if (h.exchangeType === ExchangeType.INFORMATIONAL) return this.#informational(m);
    let exchange: number;
    const phase1 =
      h.exchangeType === ExchangeType.IDENTITY_PROTECTION ||
      h.exchangeType === ExchangeType.AGGRESSIVE;
    if (phase1 && h.messageId === 0) exchange = 1;
    else if (
      h.exchangeType === ExchangeType.QUICK_MODE &&
      h.messageId !== 0 &&
      this.state === 'established'
    ) {
      const known = this.#exchanges.get(h.messageId);
      if (known !== undefined) exchange = known;
      else {
        // A new message id from the peer: a Quick Mode it starts (never one of ours, those are registered when made).
        if (this.#exchanges.size >= 64) return this.#drop('too-many-exchanges');
        exchange = this.#nextExchange;
      }
    } else return this.#drop('unexpected-exchange');
    let payloads = null;
    let opened = null;
    if (h.flags & HeaderFlag.ENCRYPTION) {
      opened = this.cipher?.decrypt(h.messageId, m.body) ?? null;
      if (opened) {
        const d = decodePayloads(opened.plain, h.nextPayload, true);
        payloads = d.ok ? d.value : null;
      }
    } else {
      if (
        h.exchangeType === ExchangeType.QUICK_MODE ||
        (this.cipher !== null && this.state === 'established')
      )
        return this.#drop('unencrypted-after-phase-1');
      const d = decodePayloads(m.body, h.nextPayload);
      if (!d.ok) {
        this.#drop(`decode:${d.error.reason}`);
        if (this.role === 'responder' && this.state === 'half-open' && this.#host.task === null)
          this.close('first-message-refused');
        return;
      }
      payloads = d.value;
    }
    const step = (this.#steps.get(exchange) ?? 0) + 1;
    const msg: Inbound = { exchange, step, header: h, payloads, opened, bytes: m.bytes };
    let r = this.#host.receive(msg);
    if (r === 'ahead' && phase1 && this.role === 'responder' && step === 1) {
      // The exchange the peer chose must be the one its configuration allows.
      const aggressive = h.exchangeType === ExchangeType.AGGRESSIVE;
      if (aggressive !== (this.peer.config.mode === 'aggressive')) r = 'refused';
      else
        r = this.#host.respond(
          aggressive ? new AggressiveModeResponder(this) : new MainModeResponder(this),
          msg,
        );
    } else if (
      r === 'ahead' &&
      h.exchangeType === ExchangeType.QUICK_MODE &&
      this.#host.task === null
    ) {
      this.#exchanges.set(h.messageId, exchange);
      this.#nextExchange++;
      r = this.#host.respond(new QuickModeResponder(this), msg);
      if (r === 'refused') {
        // Not authentic: as if it never came. The exchange number is spent; the real message gets the next.
        this.#host.abandon();
        this.#exchanges.delete(h.messageId);
      }
    }
    // A responder whose first message did not start Main Mode holds nothing worth keeping: a
    // half-open association without a running exchange would never time out and would count
    // against the peer's half-open limit for ever.
    if (
      this.role === 'responder' &&
      this.state === 'half-open' &&
      this.#host.task === null &&
      r !== 'failed'
    ) {
      this.close('first-message-refused');
      return;
    }
    if (r === 'processed' || r === 'failed') {
      this.#steps.set(exchange, step);
      this.#seen.push({ bytes: m.bytes.slice(), exchange, step });
      if (this.#seen.length > REMEMBER) this.#seen.shift();
    } else if (r !== 'answered')
      this.#drop(`task-${r}${r === 'refused' ? ':' + (this.#host.lastRefusal?.reason ?? '') : ''}`);
  }

  #startQuickMode(child: ChildRuntime): void {
    let mid = 0;
    while (mid === 0 || this.#exchanges.has(mid))
      mid = this.engine.randomBytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0;
    const exchange = this.#nextExchange++;
    this.#exchanges.set(mid, exchange);
    this.#host.initiate(new QuickModeInitiator(this, child, mid), exchange);
  }

  #completed(t: Task<Inbound, Outbound>): void {
    if (
      t instanceof MainModeInitiator ||
      t instanceof MainModeResponder ||
      t instanceof AggressiveModeInitiator ||
      t instanceof AggressiveModeResponder
    ) {
      this.suite = t.suite;
      this.cipher!.endPhase1();
      this.state = 'established';
      this.established = this.#scheduler.now();
      this.#owner.established(this);
      // Phase 1 expires: the association goes, its children stay until their own lifetimes.
      this.#expiry = this.#scheduler.after((this.suite?.lifetime ?? 28_800) * 1000, () =>
        this.close('phase-1-expired'),
      );
    } else if (t instanceof QuickModeInitiator || t instanceof QuickModeResponder) {
      const r = t.result;
      if (r) {
        this.children.push(r);
        this.#owner.childEstablished(this, r);
        wipe(r.inbound.keymat);
        wipe(r.outbound.keymat);
      }
      this.cipher?.forget(r?.messageId ?? 0);
    }
    const next = this.#pendingChildren.shift();
    if (next && this.state === 'established') this.#scheduler.after(0, () => this.negotiate(next));
  }

  #failed(t: Task<Inbound, Outbound>, e: TaskError): void {
    if (
      t instanceof MainModeInitiator ||
      t instanceof MainModeResponder ||
      t instanceof AggressiveModeInitiator ||
      t instanceof AggressiveModeResponder
    ) {
      // RFC 2408 §5: tell the peer, unencrypted (no shared keys can be trusted yet); it will not act on it unauthenticated.
      if (e instanceof Phase1Error) this.#notifyPlain(e.notifyType);
      this.close(e instanceof Phase1Error ? e.reason : 'retransmit-limit');
      return;
    }
    const child = t instanceof QuickModeInitiator ? t.child : null;
    if (e instanceof QuickModeRefusedError && t instanceof QuickModeResponder)
      this.#notifyEncrypted(e.notifyType);
    this.#owner.childFailed(
      this,
      child,
      e instanceof QuickModeRefusedError
        ? e.reason
        : 'reason' in e
          ? String((e as { reason: unknown }).reason)
          : e.name,
    );
    const next = this.#pendingChildren.shift();
    if (next && this.state === 'established') this.#scheduler.after(0, () => this.negotiate(next));
  }

  #notifyPlain(type: number): void {
    const mid = this.engine.randomBytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0;
    const bytes = encodeMessage(
      {
        initiatorCookie: this.ckyI,
        responderCookie: this.ckyR,
        exchangeType: ExchangeType.INFORMATIONAL,
        flags: 0,
        messageId: mid,
      },
      [
        {
          kind: 'n',
          doi: IPSEC_DOI,
          protocolId: ProtocolId.ISAKMP,
          spi: concat(this.ckyI, this.ckyR),
          notifyType: type,
          data: new Uint8Array(0),
        },
      ],
    );
    this.#transport.send(this, bytes);
  }

  /** An Informational exchange under the ISAKMP SA: HDR*, HASH(1), N/D (RFC 2409 §5.7). */
  #informationalOut(payload: Payload): void {
    if (this.cipher === null || this.state !== 'established') return;
    const mid = this.engine.randomBytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0 || 1;
    const hash = this.cipher.hashA(mid4(mid), encodePayloads([payload]));
    this.#transport.send(
      this,
      this.#encrypt(ExchangeType.INFORMATIONAL, mid, [{ kind: 'hash', data: hash }, payload]),
    );
    this.cipher.forget(mid);
  }

  #notifyEncrypted(type: number): void {
    this.#informationalOut({
      kind: 'n',
      doi: IPSEC_DOI,
      protocolId: ProtocolId.IPSEC_ESP,
      spi: new Uint8Array(0),
      notifyType: type,
      data: new Uint8Array(0),
    });
  }

  /** Tell the peer our inbound SAs `spis` are gone (RFC 2408 §3.15). */
  deleteChildren(spis: readonly number[]): void {
    this.#informationalOut({
      kind: 'd',
      doi: IPSEC_DOI,
      protocolId: ProtocolId.IPSEC_ESP,
      spis: spis.map(spiBytes),
    });
  }

  /** Delete this ISAKMP SA, telling the peer (authenticated) when it is established. */
  delete(): void {
    this.#informationalOut({
      kind: 'd',
      doi: IPSEC_DOI,
      protocolId: ProtocolId.ISAKMP,
      spis: [concat(this.ckyI, this.ckyR)],
    });
    this.close('deleted');
  }

  #informational(m: RawMessage): void {
    const h = m.header;
    // Only what arrives encrypted and with a good HASH(1) under an established SA is acted on.
    if (!(h.flags & HeaderFlag.ENCRYPTION) || this.cipher === null || this.state !== 'established')
      return this.#drop('unauthenticated-informational');
    const opened = this.cipher.decrypt(h.messageId, m.body);
    const d = opened && decodePayloads(opened.plain, h.nextPayload, true);
    if (!opened || !d || !d.ok || d.value[0]?.kind !== 'hash' || d.value.length < 2)
      return this.#drop('informational-undecodable');
    const ps = d.value;
    const hash = ps[0]!;
    if (
      hash.kind !== 'hash' ||
      !this.cipher.verifyA(
        hash.data,
        mid4(h.messageId),
        opened.plain.subarray(hash.raw.length, endOf(ps)),
      )
    )
      return this.#drop('informational-hash-failed');
    this.#seen.push({ bytes: m.bytes.slice(), exchange: -1, step: 0 });
    if (this.#seen.length > REMEMBER) this.#seen.shift();
    const del = find(ps, 'd');
    if (del?.protocolId === ProtocolId.ISAKMP) return this.close('deleted-by-peer');
    if (del?.protocolId === ProtocolId.IPSEC_ESP)
      this.#owner.deleted(
        this,
        del.spis.map((s) =>
          s.length === 4 ? ((s[0]! << 24) | (s[1]! << 16) | (s[2]! << 8) | s[3]!) >>> 0 : 0,
        ),
      );
    const n = find(ps, 'n');
    if (n && n.notifyType < 16384)
      this.#owner.dropped(
        this,
        `peer-notify:${n.notifyType === NotifyType.INVALID_ID_INFORMATION ? 'INVALID-ID-INFORMATION' : n.notifyType === NotifyType.NO_PROPOSAL_CHOSEN ? 'NO-PROPOSAL-CHOSEN' : n.notifyType}`,
      );
  }

  #drop(reason: string): void {
    this.#owner.dropped(this, reason);
  }

  /** End the association: timers stop, keys are wiped, the owner is told once. */
  close(reason: string): void {
    if (this.state === 'failed' || this.state === 'deleted') return;
    this.state = this.state === 'established' ? 'deleted' : 'failed';
    this.#host.close();
    if (this.#expiry) this.#scheduler.cancel(this.#expiry);
    this.cipher?.destroy();
    this.#seen.length = 0;
    this.#owner.ended(this, reason);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
