/**
 * Main Mode, initiator side, with pre-shared keys (RFC 2409 §5.4):
 *
 *   HDR, SA                  -->
 *                            <--  HDR, SA
 *   HDR, KE, Ni              -->
 *                            <--  HDR, KE, Nr
 *   HDR*, IDii, HASH_I       -->
 *                            <--  HDR*, IDir, HASH_R
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
import type { KeyAgreementKey } from '@conduits/crypto';
import { wipe } from '@conduits/crypto';
import { ExchangeType } from '../codec/constants.js';
import { encodePayloads, find } from '../codec/message.js';
import { readPhase1, sameSuite, type Phase1Suite } from '../policy/algorithms.js';
import type { SaContext } from '../sa/context.js';
import type { Inbound, Outbound } from '../sa/messages.js';
import { natD, natDetected, natTVendorId, saysNatT } from './nat-t.js';
import { authFailed, deriveKeys, idBody, identity, noProposal, phase1SaPayload } from './phase1.js';

export class MainModeInitiator implements Task<Inbound, Outbound> {
  readonly kind = 'main-mode-initiator';
  #round = 0;
  #saBody: Uint8Array | null = null;
  #suite: Phase1Suite | null = null;
  #dh: KeyAgreementKey | null = null;
  #ni: Uint8Array | null = null;
  #nr: Uint8Array | null = null;
  /** The negotiated suite, once Main Mode is done. */
  suite: Phase1Suite | null = null;

  constructor(readonly ctx: SaContext) {}

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    if (this.#round === 0) {
      const sa = phase1SaPayload(ctx.peer.ike);
      ctx.plain(
        out,
        ExchangeType.IDENTITY_PROTECTION,
        0,
        ctx.natTraversal ? [sa, natTVendorId] : [sa],
      );
      // SAi_b: the SA payload's body exactly as sent (after its 4-byte generic header), nothing after it.
      this.#saBody = encodePayloads([sa]).slice(4);
      this.#round = 1;
      return needMore;
    }
    if (this.#round === 2) {
      this.#dh = ctx.engine.keyAgreement(this.#suite!.group);
      this.#ni = ctx.engine.randomBytes(32);
      ctx.plain(out, ExchangeType.IDENTITY_PROTECTION, 0, [
        { kind: 'ke', data: this.#dh.publicKey },
        { kind: 'nonce', data: this.#ni },
        ...(ctx.peerNatT ? natD(ctx, this.#suite!.hash) : []),
      ]);
      this.#round = 3;
      return needMore;
    }
    // round 4: IDii, HASH_I, encrypted.
    const id = identity(ctx, true);
    const dh = ctx.cipher!;
    const hashI = dh.authHash(
      this.#gxi!,
      this.#gxr!,
      ctx.ckyI,
      ctx.ckyR,
      this.#saBody!,
      idBody(id),
    );
    ctx.encrypted(out, ExchangeType.IDENTITY_PROTECTION, 0, [id, { kind: 'hash', data: hashI }]);
    this.#round = 5;
    return needMore;
  }

  #gxi: Uint8Array | null = null;
  #gxr: Uint8Array | null = null;

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const ps = msg.payloads;
    if (this.#round === 1) {
      const sa = ps && find(ps, 'sa');
      if (!sa) return refused('mm2-without-sa');
      const t = sa.proposals[0]?.transforms;
      const chosen = sa.proposals.length === 1 && t?.length === 1 ? readPhase1(t[0]!) : undefined;
      // The responder must pick exactly one of the transforms we offered.
      const ours = chosen && ctx.peer.ike.find((s) => sameSuite(s, chosen));
      if (!ours) return failed(noProposal(this.kind));
      this.#suite = { ...ours, lifetime: Math.min(ours.lifetime, chosen!.lifetime) };
      ctx.ckyR = msg.header.responderCookie.slice();
      ctx.peerNatT = ctx.natTraversal && saysNatT(ps!);
      this.#round = 2;
      return needMore;
    }
    if (this.#round === 3) {
      const ke = ps && find(ps, 'ke');
      const nonce = ps && find(ps, 'nonce');
      if (!ke || !nonce) return refused('mm4-incomplete');
      this.#nr = nonce.data.slice();
      this.#gxi = this.#dh!.publicKey.slice();
      this.#gxr = ke.data.slice();
      if (!deriveKeys(ctx, this.#suite!, this.#dh!, ke.data, this.#ni!, this.#nr))
        return failed(authFailed(this.kind));
      this.#dh = null;
      if (ctx.peerNatT && natDetected(ctx, this.#suite!.hash, ps!)) ctx.floated = true;
      this.#round = 4;
      return needMore;
    }
    // round 5: IDir, HASH_R.
    const id = ps && find(ps, 'id');
    const hash = ps && find(ps, 'hash');
    if (!id || !hash || msg.opened === null) return failed(authFailed(this.kind));
    if (
      !ctx.cipher!.verifyAuth(
        hash.data,
        this.#gxr!,
        this.#gxi!,
        ctx.ckyR,
        ctx.ckyI,
        this.#saBody!,
        id.body,
      )
    )
      return failed(authFailed(this.kind));
    ctx.cipher!.commit(0, msg.opened);
    this.suite = this.#suite;
    return done;
  }

  destroy(): void {
    this.#dh?.destroy();
    for (const b of [this.#ni, this.#nr]) if (b) wipe(b);
  }
}
