/**
 * Main Mode, responder side, with pre-shared keys (RFC 2409 §5.4): choose one of the
 * initiator's transforms (its order of preference, among ours), answer KE/NONCE, then check
 * HASH_I over the initiator's SA payload as received — a proposal list rewritten on the way
 * (a downgrade) makes HASH_I fail — and answer with IDir, HASH_R.
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
import { find } from '../codec/message.js';
import type { Transform } from '../codec/payloads.js';
import { readPhase1, sameSuite, type Phase1Suite } from '../policy/algorithms.js';
import type { SaContext } from '../sa/context.js';
import type { Inbound, Outbound } from '../sa/messages.js';
import { natD, natTVendorId, saysNatT } from './nat-t.js';
import { authFailed, deriveKeys, idBody, identity, noProposal } from './phase1.js';

export class MainModeResponder implements Task<Inbound, Outbound> {
  readonly kind = 'main-mode-responder';
  #round = 0;
  #saBody: Uint8Array | null = null;
  #chosen: Transform | null = null;
  #suite: Phase1Suite | null = null;
  #gxi: Uint8Array | null = null;
  #gxr: Uint8Array | null = null;
  #nr: Uint8Array | null = null;
  #ni: Uint8Array | null = null;
  #dh: KeyAgreementKey | null = null;
  suite: Phase1Suite | null = null;

  constructor(readonly ctx: SaContext) {}

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const ps = msg.payloads;
    if (this.#round === 0) {
      const sa = ps && find(ps, 'sa');
      if (!sa) return failed(noProposal(this.kind));
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
      ctx.peerNatT = ctx.natTraversal && saysNatT(ps!);
      this.#round = 1;
      return needMore;
    }
    if (this.#round === 2) {
      const ke = ps && find(ps, 'ke');
      const nonce = ps && find(ps, 'nonce');
      if (!ke || !nonce) return refused('mm3-incomplete');
      this.#gxi = ke.data.slice();
      this.#ni = nonce.data.slice();
      this.#round = 3;
      return needMore;
    }
    // round 4: IDii, HASH_I. A body that does not decrypt to payloads is what a wrong key gives.
    const id = ps && find(ps, 'id');
    const hash = ps && find(ps, 'hash');
    if (!id || !hash || msg.opened === null) return failed(authFailed(this.kind));
    if (
      !ctx.cipher!.verifyAuth(
        hash.data,
        this.#gxi!,
        this.#gxr!,
        ctx.ckyI,
        ctx.ckyR,
        this.#saBody!,
        id.body,
      )
    )
      return failed(authFailed(this.kind));
    // Main Mode with a pre-shared key names peers by address: the ID must be the address we keyed.
    if (id.idType === IdType.IPV6_ADDR && !equal(id.data, ctx.peerAddress))
      return failed(authFailed(this.kind));
    ctx.cipher!.commit(0, msg.opened);
    this.#round = 5;
    return needMore;
  }

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    if (this.#round === 1) {
      ctx.plain(out, ExchangeType.IDENTITY_PROTECTION, 0, [
        {
          kind: 'sa',
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
        },
        ...(ctx.peerNatT ? [natTVendorId] : []),
      ]);
      this.#round = 2;
      return needMore;
    }
    if (this.#round === 3) {
      this.#dh = ctx.engine.keyAgreement(this.#suite!.group);
      this.#nr = ctx.engine.randomBytes(32);
      this.#gxr = this.#dh.publicKey.slice();
      ctx.plain(out, ExchangeType.IDENTITY_PROTECTION, 0, [
        { kind: 'ke', data: this.#gxr },
        { kind: 'nonce', data: this.#nr },
        ...(ctx.peerNatT ? natD(ctx, this.#suite!.hash) : []),
      ]);
      const dh = this.#dh;
      this.#dh = null;
      if (!deriveKeys(ctx, this.#suite!, dh, this.#gxi!, this.#ni!, this.#nr))
        return failed(authFailed(this.kind));
      this.#round = 4;
      return needMore;
    }
    const id = identity(ctx, true);
    const hashR = ctx.cipher!.authHash(
      this.#gxr!,
      this.#gxi!,
      ctx.ckyR,
      ctx.ckyI,
      this.#saBody!,
      idBody(id),
    );
    ctx.encrypted(out, ExchangeType.IDENTITY_PROTECTION, 0, [id, { kind: 'hash', data: hashR }]);
    this.suite = this.#suite;
    return done;
  }

  destroy(): void {
    this.#dh?.destroy();
    for (const b of [this.#ni, this.#nr]) if (b) wipe(b);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
