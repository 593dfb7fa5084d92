/**
 * Aggressive Mode with pre-shared keys (RFC 2409 §5.4), both sides:
 *
 *   HDR, SA, KE, Ni, IDii          -->
 *                                  <--  HDR, SA, KE, Nr, IDir, HASH_R
 *   HDR*, HASH_I                   -->
 *
 * Three messages instead of six, at the price of identities in clear and a HASH_R an observer
 * can attack offline: only where the configuration asks for it (`mode: 'aggressive'`). The
 * last message is encrypted, as strongSwan and most implementations send it.
 */
import {
  done,
  failed,
  needMore,
  refused,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { wipe, type KeyAgreementKey } from '@conduits/crypto';
import {
  ExchangeType,
  IdType,
  IPSEC_DOI,
  ProtocolId,
  SIT_IDENTITY_ONLY,
} from '../codec/constants.js';
import { encodePayloads, find } from '../codec/message.js';
import type { Transform } from '../codec/payloads.js';
import { readPhase1, sameSuite, type Phase1Suite } from '../policy/algorithms.js';
import type { SaContext } from '../sa/context.js';
import type { Inbound, Outbound } from '../sa/messages.js';
import { natD, natDetected, natTVendorId, saysNatT } from './nat-t.js';
import { authFailed, deriveKeys, idBody, identity, noProposal, phase1SaPayload } from './phase1.js';

export class AggressiveModeInitiator implements Task<Inbound, Outbound> {
  readonly kind = 'aggressive-mode-initiator';
  #round = 0;
  #saBody: Uint8Array | null = null;
  #idBody: Uint8Array | null = null;
  #dh: KeyAgreementKey | null = null;
  #ni: Uint8Array | null = null;
  #gxi: Uint8Array | null = null;
  #gxr: Uint8Array | null = null;
  suite: Phase1Suite | null = null;

  constructor(readonly ctx: SaContext) {}

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    if (this.#round === 0) {
      // All our proposals must share one group: the KE goes out before the responder chooses.
      const group = ctx.peer.ike[0]!.group;
      const suites = ctx.peer.ike.filter((s) => s.group === group);
      const sa = phase1SaPayload(suites);
      this.#dh = ctx.engine.keyAgreement(group);
      this.#ni = ctx.engine.randomBytes(32);
      this.#gxi = this.#dh.publicKey.slice();
      const id = identity(ctx, true);
      this.#saBody = encodePayloads([sa]).slice(4);
      this.#idBody = idBody(id);
      ctx.plain(out, ExchangeType.AGGRESSIVE, 0, [
        sa,
        { kind: 'ke', data: this.#gxi },
        { kind: 'nonce', data: this.#ni },
        id,
        ...(ctx.natTraversal ? [natTVendorId] : []),
      ]);
      this.#round = 1;
      return needMore;
    }
    const hashI = ctx.cipher!.authHash(
      this.#gxi!,
      this.#gxr!,
      ctx.ckyI,
      ctx.ckyR,
      this.#saBody!,
      this.#idBody!,
    );
    // RFC 3947 §3.2: in Aggressive Mode the NAT-D payloads ride in messages 2 and 3.
    ctx.encrypted(out, ExchangeType.AGGRESSIVE, 0, [
      { kind: 'hash', data: hashI },
      ...(ctx.peerNatT ? natD(ctx, this.suite!.hash) : []),
    ]);
    return done;
  }

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const ps = msg.payloads;
    const sa = ps && find(ps, 'sa');
    const ke = ps && find(ps, 'ke');
    const nonce = ps && find(ps, 'nonce');
    const id = ps && find(ps, 'id');
    const hash = ps && find(ps, 'hash');
    if (!sa || !ke || !nonce || !id || !hash) return refused('am2-incomplete');
    const t = sa.proposals[0]?.transforms;
    const chosen = sa.proposals.length === 1 && t?.length === 1 ? readPhase1(t[0]!) : undefined;
    const ours =
      chosen && ctx.peer.ike.find((s) => sameSuite(s, chosen) && s.group === this.#dh!.group);
    if (!ours) return failed(noProposal(this.kind));
    ctx.ckyR = msg.header.responderCookie.slice();
    this.#gxr = ke.data.slice();
    const dh = this.#dh!;
    this.#dh = null;
    const suite = { ...ours, lifetime: Math.min(ours.lifetime, chosen!.lifetime) };
    if (!deriveKeys(ctx, suite, dh, ke.data, this.#ni!, nonce.data))
      return failed(authFailed(this.kind));
    if (
      !ctx.cipher!.verifyAuth(
        hash.data,
        this.#gxr,
        this.#gxi!,
        ctx.ckyR,
        ctx.ckyI,
        this.#saBody!,
        id.body,
      )
    )
      return failed(authFailed(this.kind));
    if (id.idType === IdType.IPV6_ADDR && !equal(id.data, ctx.peerAddress))
      return failed(authFailed(this.kind));
    this.suite = suite;
    ctx.peerNatT = ctx.natTraversal && saysNatT(ps!);
    if (ctx.peerNatT && natDetected(ctx, suite.hash, ps!)) ctx.floated = true;
    this.#round = 2;
    return needMore;
  }

  destroy(): void {
    this.#dh?.destroy();
    if (this.#ni) wipe(this.#ni);
  }
}

export class AggressiveModeResponder implements Task<Inbound, Outbound> {
  readonly kind = 'aggressive-mode-responder';
  #round = 0;
  #saBody: Uint8Array | null = null;
  #idiBody: Uint8Array | null = null;
  #chosen: Transform | null = null;
  #suite: Phase1Suite | null = null;
  #gxi: Uint8Array | null = null;
  #gxr: Uint8Array | null = null;
  #ni: Uint8Array | null = null;
  #nr: Uint8Array | null = null;
  suite: Phase1Suite | null = null;

  constructor(readonly ctx: SaContext) {}

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const ps = msg.payloads;
    if (this.#round === 0) {
      const sa = ps && find(ps, 'sa');
      const ke = ps && find(ps, 'ke');
      const nonce = ps && find(ps, 'nonce');
      const id = ps && find(ps, 'id');
      if (!sa || !ke || !nonce || !id) return failed(noProposal(this.kind));
      if (id.idType === IdType.IPV6_ADDR && !equal(id.data, ctx.peerAddress))
        return failed(authFailed(this.kind));
      const proposal = sa.proposals[0];
      if (sa.proposals.length !== 1 || !proposal || proposal.protocolId !== ProtocolId.ISAKMP)
        return failed(noProposal(this.kind));
      for (const t of proposal.transforms) {
        const s = readPhase1(t);
        const ours = s && ctx.peer.ike.find((o) => sameSuite(o, s));
        if (ours) {
          this.#chosen = t;
          this.#suite = { ...ours, lifetime: Math.min(ours.lifetime, s!.lifetime) };
          break;
        }
      }
      if (!this.#chosen) return failed(noProposal(this.kind));
      this.#saBody = sa.body.slice();
      this.#idiBody = id.body.slice();
      this.#gxi = ke.data.slice();
      this.#ni = nonce.data.slice();
      ctx.peerNatT = ctx.natTraversal && saysNatT(ps!);
      this.#round = 1;
      return needMore;
    }
    // HASH_I, encrypted. Anything else here is what a wrong key gives.
    const hash = ps && find(ps, 'hash');
    if (!hash || msg.opened === null) return failed(authFailed(this.kind));
    if (
      !ctx.cipher!.verifyAuth(
        hash.data,
        this.#gxi!,
        this.#gxr!,
        ctx.ckyI,
        ctx.ckyR,
        this.#saBody!,
        this.#idiBody!,
      )
    )
      return failed(authFailed(this.kind));
    ctx.cipher!.commit(0, msg.opened);
    this.suite = this.#suite;
    return done;
  }

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    const dh = ctx.engine.keyAgreement(this.#suite!.group);
    this.#nr = ctx.engine.randomBytes(32);
    this.#gxr = dh.publicKey.slice();
    if (!deriveKeys(ctx, this.#suite!, dh, this.#gxi!, this.#ni!, this.#nr))
      return failed(authFailed(this.kind));
    const id = identity(ctx, true);
    const hashR = ctx.cipher!.authHash(
      this.#gxr,
      this.#gxi!,
      ctx.ckyR,
      ctx.ckyI,
      this.#saBody!,
      idBody(id),
    );
    const sa = {
      kind: 'sa' as const,
      doi: IPSEC_DOI,
      situation: SIT_IDENTITY_ONLY,
      proposals: [
        {
          number: 1,
          protocolId: ProtocolId.ISAKMP,
          spi: new Uint8Array(0),
          transforms: [this.#chosen!],
        },
      ],
    };
    ctx.plain(out, ExchangeType.AGGRESSIVE, 0, [
      sa,
      { kind: 'ke', data: this.#gxr },
      { kind: 'nonce', data: this.#nr },
      id,
      { kind: 'hash', data: hashR },
      ...(ctx.peerNatT ? [natTVendorId, ...natD(ctx, this.#suite!.hash)] : []),
    ]);
    this.#round = 2;
    return needMore;
  }

  destroy(): void {
    for (const b of [this.#ni, this.#nr]) if (b) wipe(b);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
