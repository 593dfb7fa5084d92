/**
 * Quick Mode, responder side (RFC 2409 §5.5): verify HASH(1) (else ignore the message), ask
 * the policy for a child whose selectors contain the proposed IDci/IDcr (else
 * INVALID-ID-INFORMATION), choose the first of the initiator's transforms we accept (else
 * NO-PROPOSAL-CHOSEN), answer with HASH(2), and finish when HASH(3) verifies.
 */
import {
  done,
  failed,
  needMore,
  refused,
  TaskRejectedError,
  type BuildResult,
  type ProcessResult,
  type Task,
} from '@conduits/core';
import { wipe } from '@conduits/crypto';
import {
  ExchangeType,
  IPSEC_DOI,
  NotifyType,
  ProtocolId,
  SIT_IDENTITY_ONLY,
} from '../codec/constants.js';
import { encodePayloads, find, findAll } from '../codec/message.js';
import type { Payload, Transform } from '../codec/payloads.js';
import { espSpec, readEsp, sameEsp, type EspSuite } from '../policy/algorithms.js';
import type { SaContext } from '../sa/context.js';
import type { Inbound, Outbound } from '../sa/messages.js';
import { idRange, mid4, spiBytes, spiOf, within, type ChildSaResult } from './quick-mode.js';
import { endOf } from './quick-mode-initiator.js';

/** A Quick Mode refused by policy: the notification to send under the ISAKMP SA. */
export class QuickModeRefusedError extends TaskRejectedError {
  constructor(
    task: string,
    reason: string,
    readonly notifyType: number,
  ) {
    super(task, reason);
  }
}

export class QuickModeResponder implements Task<Inbound, Outbound> {
  readonly kind = 'quick-mode-responder';
  #round = 0;
  readonly #spi: number;
  #ni: Uint8Array | null = null;
  #nr: Uint8Array | null = null;
  #reply: Payload[] = [];
  #messageId = 0;
  result: ChildSaResult | null = null;

  constructor(readonly ctx: SaContext) {
    this.#spi = ctx.engine.randomBytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0 || 0x100;
  }

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const cipher = ctx.cipher!;
    const ps = msg.payloads;
    const mid = msg.header.messageId;
    if (ps === null || msg.opened === null || ps[0]?.kind !== 'hash')
      return refused('qm-undecodable');
    const after = msg.opened.plain.subarray(ps[0].raw.length, endOf(ps));
    if (this.#round === 2) {
      if (
        ps.length !== 1 ||
        !cipher.verifyA(ps[0].data, Uint8Array.of(0), mid4(mid), this.#ni!, this.#nr!)
      )
        return refused('qm-hash-failed');
      cipher.commit(mid, msg.opened);
      return done;
    }
    if (!cipher.verifyA(ps[0].data, mid4(mid), after)) return refused('qm-hash-failed');
    cipher.commit(mid, msg.opened);
    this.#messageId = mid;
    const sa = find(ps, 'sa');
    const nonce = find(ps, 'nonce');
    const ids = findAll(ps, 'id');
    const ke = find(ps, 'ke');
    const proposal = sa?.proposals[0];
    if (
      !sa ||
      !nonce ||
      !proposal ||
      proposal.protocolId !== ProtocolId.IPSEC_ESP ||
      proposal.spi.length !== 4
    )
      return failed(
        new QuickModeRefusedError(this.kind, 'no-proposal-chosen', NotifyType.NO_PROPOSAL_CHOSEN),
      );
    // Selectors, from the initiator's view: IDci is its side (our remote), IDcr ours.
    const ci = ids[0] ? idRange(ids[0]) : { address: ctx.peerAddress, prefix: 128 };
    const cr = ids[1] ? idRange(ids[1]) : { address: ctx.local, prefix: 128 };
    const proto = ids[0]?.protocolId ?? 0;
    const child =
      ci && cr
        ? ctx.peer.children.find(
            (c) =>
              within(ci, c.remote) &&
              within(cr, c.local) &&
              (c.protocol === 0 || c.protocol === proto),
          )
        : undefined;
    if (!child || ids.length === 1 || ids.length > 2)
      return failed(
        new QuickModeRefusedError(
          this.kind,
          'invalid-id-information',
          NotifyType.INVALID_ID_INFORMATION,
        ),
      );
    let chosen: { t: Transform; suite: EspSuite; mode: 'tunnel' | 'transport' } | undefined;
    for (const t of proposal.transforms) {
      const r = readEsp(t);
      const ours = r && child.esp.find((s) => sameEsp(s, r.suite));
      if (ours && r.mode === child.config.mode) {
        chosen = {
          t,
          suite: { ...ours, lifetime: Math.min(ours.lifetime, r.suite.lifetime) },
          mode: r.mode,
        };
        break;
      }
    }
    if (!chosen || (chosen.suite.pfs !== undefined) !== (ke !== undefined))
      return failed(
        new QuickModeRefusedError(this.kind, 'no-proposal-chosen', NotifyType.NO_PROPOSAL_CHOSEN),
      );
    this.#ni = nonce.data.slice();
    this.#nr = ctx.engine.randomBytes(32);
    let gxy: Uint8Array | undefined;
    const reply: Payload[] = [
      {
        kind: 'sa',
        doi: IPSEC_DOI,
        situation: SIT_IDENTITY_ONLY,
        proposals: [
          {
            number: proposal.number,
            protocolId: ProtocolId.IPSEC_ESP,
            spi: spiBytes(this.#spi),
            transforms: [chosen.t],
          },
        ],
      },
      { kind: 'nonce', data: this.#nr },
    ];
    if (chosen.suite.pfs && ke) {
      const dh = ctx.engine.keyAgreement(chosen.suite.pfs.group);
      try {
        gxy = dh.deriveShared(ke.data);
      } catch {
        dh.destroy();
        return failed(
          new QuickModeRefusedError(
            this.kind,
            'invalid-key-information',
            NotifyType.INVALID_KEY_INFORMATION,
          ),
        );
      }
      reply.push({ kind: 'ke', data: dh.publicKey.slice() });
      dh.destroy();
    }
    for (const id of ids)
      reply.push({
        kind: 'id',
        idType: id.idType,
        protocolId: id.protocolId,
        port: id.port,
        data: id.data.slice(),
      });
    this.#reply = reply;
    const { encryptionLength, integrityLength } = espSpec(chosen.suite);
    const len = encryptionLength + integrityLength;
    const theirs = spiOf(proposal.spi);
    this.result = {
      child,
      suite: chosen.suite,
      mode: chosen.mode,
      inbound: {
        spi: this.#spi,
        keymat: cipher.keymat(
          ProtocolId.IPSEC_ESP,
          spiBytes(this.#spi),
          this.#ni,
          this.#nr,
          len,
          gxy,
        ),
      },
      outbound: {
        spi: theirs,
        keymat: cipher.keymat(ProtocolId.IPSEC_ESP, proposal.spi, this.#ni, this.#nr, len, gxy),
      },
      local: cr!,
      remote: ci!,
      messageId: mid,
    };
    if (gxy) wipe(gxy);
    this.#round = 1;
    return needMore;
  }

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    const rest = encodePayloads(this.#reply);
    const hash2 = ctx.cipher!.hashA(mid4(this.#messageId), this.#ni!, rest);
    ctx.encrypted(out, ExchangeType.QUICK_MODE, this.#messageId, [
      { kind: 'hash', data: hash2 },
      ...this.#reply,
    ]);
    this.#round = 2;
    return needMore;
  }

  destroy(): void {
    for (const b of [this.#ni, this.#nr]) if (b) wipe(b);
  }
}
