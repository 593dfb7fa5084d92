/**
 * The Kerberos-style exchange of kdc-key-distribution (§3.3.6, "some external security
 * principal creates the session key"), with AES-256-GCM under 32-byte master keys each
 * principal shares with the KDC:
 *
 *   C → KDC   REQUEST  client, server, nonce, key length
 *   KDC → C   REPLY    GCM_Kc(nonce, k, server, ticket)         — only C can open it
 *             ticket = GCM_Ks(k, client, server, issued, lifetime) — only S can open it
 *   C → S     TICKET   ticket, authenticator = GCM_k(time, target epoch, client)
 *
 * The nonce binds the reply to the request; the ticket names both principals and expires; the
 * authenticator shows the client holds k now, for this epoch (so an old ticket replayed fails).
 */
import type { CryptoEngine } from '@conduits/crypto';
import { decode, MalformedError, Reader, Writer } from '../runtime/wire.js';

const REQUEST = 0x51;
const REPLY = 0x52;
const enc = new TextEncoder();
const AAD_REPLY = enc.encode('seccomm kdc reply');
const AAD_TICKET = enc.encode('seccomm kdc ticket');
const AAD_AUTH = enc.encode('seccomm kdc authenticator');
/** Clock skew allowed between client, server and KDC, ms. */
const KDC_SKEW = 30_000;

function seal(
  engine: CryptoEngine,
  key: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
): Uint8Array {
  const k = engine.aead('aes-256-gcm', key);
  try {
    const nonce = engine.randomBytes(12);
    return new Writer()
      .raw(nonce)
      .raw(k.seal(nonce, plain, aad))
      .done();
  } finally {
    k.destroy();
  }
}

function open(
  engine: CryptoEngine,
  key: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  if (sealed.length < 28 || key.length !== 32) return null;
  const k = engine.aead('aes-256-gcm', key);
  try {
    return k.open(sealed.subarray(0, 12), sealed.subarray(12), aad);
  } finally {
    k.destroy();
  }
}

export interface KdcRequest {
  readonly client: string;
  readonly server: string;
  readonly nonce: Uint8Array;
  readonly length: number;
}

export function kdcRequest(
  client: string,
  server: string,
  nonce: Uint8Array,
  length: number,
): Uint8Array {
  return new Writer().u8(REQUEST).u8(length).raw(nonce).str(client).str(server).done();
}

export function parseKdcRequest(b: Uint8Array): KdcRequest | null {
  return decode(() => {
    const r = new Reader(b);
    if (r.u8() !== REQUEST) throw new MalformedError('not a KDC request');
    const length = r.u8();
    const nonce = r.raw(16);
    const req = { length, nonce, client: r.str(), server: r.str() };
    r.end();
    if (length < 1) throw new MalformedError('zero-length key');
    return req;
  });
}

export interface Ticket {
  readonly key: Uint8Array;
  readonly client: string;
  readonly server: string;
  readonly issued: number;
  readonly lifetime: number;
}

/** The KDC's answer: a fresh key sealed for the client, with a ticket sealed for the server. */
export function kdcReply(
  engine: CryptoEngine,
  req: KdcRequest,
  clientKey: Uint8Array,
  serverKey: Uint8Array,
  now: number,
  lifetime: number,
): Uint8Array {
  const key = engine.randomBytes(req.length);
  const ticket = seal(
    engine,
    serverKey,
    AAD_TICKET,
    new Writer().bytes(key).str(req.client).str(req.server).f64(now).u32(lifetime).done(),
  );
  const forClient = seal(
    engine,
    clientKey,
    AAD_REPLY,
    new Writer().raw(req.nonce).bytes(key).str(req.server).bytes(ticket).done(),
  );
  key.fill(0);
  return new Writer().u8(REPLY).raw(forClient).done();
}

export function openKdcReply(
  engine: CryptoEngine,
  clientKey: Uint8Array,
  reply: Uint8Array,
  nonce: Uint8Array,
  server: string,
): { key: Uint8Array; ticket: Uint8Array } | null {
  if (reply[0] !== REPLY) return null;
  const plain = open(engine, clientKey, AAD_REPLY, reply.subarray(1));
  if (plain === null) return null;
  return decode(() => {
    const r = new Reader(plain);
    const n = r.raw(16);
    const key = r.bytes();
    const srv = r.str();
    const ticket = r.bytes();
    r.end();
    if (srv !== server || !n.every((x, i) => x === nonce[i]))
      throw new MalformedError('reply for another request');
    return { key, ticket };
  });
}

/** The server opens a ticket: it must be for us, from our peer, and current. */
export function openTicket(
  engine: CryptoEngine,
  serverKey: Uint8Array,
  ticket: Uint8Array,
  who: { self: string; peer: string },
  now: number,
): Ticket | null {
  const plain = open(engine, serverKey, AAD_TICKET, ticket);
  if (plain === null) return null;
  return decode(() => {
    const r = new Reader(plain);
    const t = {
      key: r.bytes(),
      client: r.str(),
      server: r.str(),
      issued: r.f64(),
      lifetime: r.u32(),
    };
    r.end();
    if (t.server !== who.self || t.client !== who.peer)
      throw new MalformedError('ticket for other principals');
    if (now < t.issued - KDC_SKEW || now > t.issued + t.lifetime)
      throw new MalformedError('ticket expired');
    return t;
  });
}

export function sealAuthenticator(
  engine: CryptoEngine,
  key: Uint8Array,
  client: string,
  target: number,
  now: number,
): Uint8Array {
  return seal(
    engine,
    authKey(engine, key),
    AAD_AUTH,
    new Writer().f64(now).u32(target).str(client).done(),
  );
}

export function openAuthenticator(
  engine: CryptoEngine,
  key: Uint8Array,
  sealed: Uint8Array,
  client: string,
  target: number,
  now: number,
): boolean {
  const plain = open(engine, authKey(engine, key), AAD_AUTH, sealed);
  if (plain === null) return false;
  return (
    decode(() => {
      const r = new Reader(plain);
      const time = r.f64();
      const t = r.u32();
      const c = r.str();
      r.end();
      return t === target && c === client && Math.abs(now - time) <= KDC_SKEW;
    }) === true
  );
}

/** The authenticator's own key, derived from the session key (which may be 16 bytes; the authenticator uses AES-256). */
function authKey(engine: CryptoEngine, k: Uint8Array): Uint8Array {
  return engine.hkdf('sha256', k, new Uint8Array(0), AAD_AUTH, 32);
}
