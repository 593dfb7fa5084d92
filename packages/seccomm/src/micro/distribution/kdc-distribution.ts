/**
 * kdc-key-distribution (§3.3.6, Kerberos style; messages in kdc/kdc-messages.ts): the client
 * asks the KDC for a key (a request/reply exchange on the service client, its nonce the random
 * request id bound into the reply the KDC seals for the client), then hands the server the
 * ticket with an authenticator for this epoch.
 *
 *   C → KDC  REQUEST(nonce)     KDC → C  REPLY    (KdcKeyRequest)
 *   C → S    TICKET(ticket, authenticator)      S → C  ACK(confirm_S)
 */
import {
  done,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import {
  kdcRequest,
  openAuthenticator,
  openKdcReply,
  openTicket,
  sealAuthenticator,
} from '../../kdc/kdc-messages.js';
import { Participants, raiseAlert } from '../../runtime/context.js';
import { Services, type ServiceCall } from '../../runtime/services.js';
import { Writer } from '../../runtime/wire.js';
import { DistributionSetupError, type DistributionContext } from './distribution-context.js';
import { KeyMsg, type KeyMessage } from './key-message.js';

/** What the KDC gave the client: the session key and the ticket for the server. */
export interface KdcGrant {
  readonly key: Uint8Array;
  readonly ticket: Uint8Array;
}

/** The master key this end shares with the KDC (a predefined key, epoch 0). */
function masterKey(ctx: DistributionContext): Uint8Array | undefined {
  return ctx.keys.get(Number(ctx.m.params['masterKey']), 0);
}

/** Told how a KDC request ends (the distribution that made it). */
export interface KdcRequestOwner {
  kdcGranted(request: KdcKeyRequest, grant: KdcGrant): void;
  /** No acceptable reply came in time. */
  kdcFailed(request: KdcKeyRequest): void;
}

/**
 * The client's request to the KDC for exchange `target`. A reply that does not open under our
 * master key with our nonce and the server's name is refused (securityAlert) and the call goes
 * on waiting; the owner is told once, unless cancelled first.
 */
export class KdcKeyRequest {
  readonly #nonce: Uint8Array;
  readonly #master: Uint8Array;
  #call: ServiceCall | null = null;
  #over = false;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
    readonly owner: KdcRequestOwner,
  ) {
    const master = masterKey(ctx);
    if (ctx.c.shared.get(Services) === null || master === undefined)
      throw new DistributionSetupError(
        `${ctx.name}: needs OpenOptions.services and the KDC master key at index ${String(ctx.m.params['masterKey'])}`,
      );
    this.#master = master;
    this.#nonce = ctx.settings.engine.randomBytes(16);
  }

  /** Send the request (after the owner has recorded it: a service may answer at once). */
  send(): void {
    const services = this.ctx.c.shared.get(Services);
    const who = this.ctx.c.shared.get(Participants);
    if (services === null) return;
    this.#call =
      services.call(
        String(this.ctx.m.params['kdc']),
        kdcRequest(who.self, who.peer, this.#nonce, this.ctx.length),
        this.#onReply,
      ) ?? null;
  }

  /** The connection closed or the exchange was replaced: no callback after this. */
  cancel(): void {
    this.#over = true;
    this.#call?.cancel();
    this.#call = null;
  }

  readonly #onReply = (reply: Uint8Array | null): boolean => {
    if (this.#over) return true;
    if (reply === null) {
      this.#over = true;
      this.owner.kdcFailed(this);
      return true;
    }
    const opened = openKdcReply(
      this.ctx.settings.engine,
      this.#master,
      reply,
      this.#nonce,
      this.ctx.c.shared.get(Participants).peer,
    );
    if (opened === null) {
      raiseAlert(this.ctx.c, this.ctx.name, 'kdc-reply-refused');
      return false;
    }
    this.#over = true;
    this.owner.kdcGranted(this, opened);
    return true;
  };
}

/** The client: TICKET with an authenticator, then wait for the server's confirmation. */
export class KdcTicketInitiator implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'kdc-key-distribution';
  #key: Uint8Array | null;
  readonly #ticket: Uint8Array;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
    grant: KdcGrant,
  ) {
    this.#key = grant.key;
    this.#ticket = grant.ticket;
  }

  build(out: KeyMessage): BuildResult {
    const k = this.#key as Uint8Array;
    this.ctx.keys.stage(this.ctx.index, k);
    const who = this.ctx.c.shared.get(Participants);
    const auth = sealAuthenticator(
      this.ctx.settings.engine,
      k,
      who.self,
      this.target,
      this.ctx.settings.now(),
    );
    out.set(KeyMsg.TICKET, new Writer().bytes(this.#ticket).done(), auth);
    return needMore;
  }

  process(m: KeyMessage): ProcessResult {
    if (m.type !== KeyMsg.ACK || this.#key === null || m.payload.length !== 32)
      return refused('key-msg-unexpected');
    return this.ctx.commitIfConfirmed(m.payload, this.#key, 'S', this.target);
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}

/** The server: open the ticket and the authenticator, hold the key, confirm it. */
export class KdcTicketResponder implements Task<KeyMessage, KeyMessage> {
  readonly kind = 'kdc-key-distribution';
  #key: Uint8Array | null = null;

  constructor(
    readonly ctx: DistributionContext,
    readonly target: number,
  ) {}

  process(m: KeyMessage): ProcessResult {
    const p = m.payload;
    if (m.type !== KeyMsg.TICKET || p.length < 2) return refused('key-msg-unexpected');
    const master = masterKey(this.ctx);
    if (master === undefined) return refused('key-missing');
    const s = this.ctx.settings;
    const tl = (p[0] as number) * 256 + (p[1] as number);
    const ticket = openTicket(
      s.engine,
      master,
      p.subarray(2, 2 + tl),
      this.ctx.c.shared.get(Participants),
      s.now(),
    );
    if (ticket === null || ticket.key.length !== this.ctx.length)
      return refused('kdc-ticket-invalid');
    if (
      !openAuthenticator(
        s.engine,
        ticket.key,
        p.subarray(2 + tl),
        ticket.client,
        this.target,
        s.now(),
      )
    )
      return refused('kdc-authenticator-invalid');
    this.#key = ticket.key;
    this.ctx.keys.stage(this.ctx.index, ticket.key);
    return needMore;
  }

  build(out: KeyMessage): BuildResult {
    out.set(KeyMsg.ACK, this.ctx.confirm(this.#key as Uint8Array, 'S', this.target));
    // Done means in force: our last message (if any) leaves under the new epoch.
    this.ctx.keys.commit();
    return done;
  }

  destroy(): void {
    this.#key?.fill(0);
    this.#key = null;
  }
}
