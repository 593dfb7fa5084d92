/**
 * Quick Mode, initiator side (RFC 2409 §5.5):
 *
 *   HDR*, HASH(1), SA, Ni [, KE ] [, IDci, IDcr ]  -->
 *                          <--  HDR*, HASH(2), SA, Nr [, KE ] [, IDci, IDcr ]
 *   HDR*, HASH(3)                                  -->
 *
 * HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci | IDcr]) over the payloads after HASH,
 * HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr …), HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).
 * The responder's choice must be one transform we offered, for our selectors.
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
import { wipe, type KeyAgreementKey } from '@conduits/crypto';
import { ExchangeType, IPSEC_DOI, ProtocolId, SIT_IDENTITY_ONLY } from '../codec/constants.js';
import { encodePayloads, find, findAll } from '../codec/message.js';
import type { Payload } from '../codec/payloads.js';
import { espSpec, espTransform, readEsp, sameEsp } from '../policy/algorithms.js';
import type { ChildRuntime } from '../policy/peer-runtime.js';
import type { SaContext } from '../sa/context.js';
import type { Inbound, Outbound } from '../sa/messages.js';
import { idRange, mid4, selectorId, spiBytes, spiOf, type ChildSaResult } from './quick-mode.js';

export class QuickModeInitiator implements Task<Inbound, Outbound> {
  readonly kind = 'quick-mode-initiator';
  #round = 0;
  readonly #spi: number;
  #ni: Uint8Array | null = null;
  #nr: Uint8Array | null = null;
  #dh: KeyAgreementKey | null = null;
  result: ChildSaResult | null = null;

  constructor(
    readonly ctx: SaContext,
    readonly child: ChildRuntime,
    readonly messageId: number,
  ) {
    this.#spi = ctx.engine.randomBytes(4).reduce((a, b) => (a << 8) | b, 0) >>> 0 || 0x100;
  }

  build(out: Outbound): BuildResult {
    const ctx = this.ctx;
    const cipher = ctx.cipher!;
    if (this.#round === 0) {
      const c = this.child;
      this.#ni = ctx.engine.randomBytes(32);
      const pfs = c.esp[0]!.pfs;
      if (pfs) this.#dh = ctx.engine.keyAgreement(pfs.group);
      const rest: Payload[] = [
        {
          kind: 'sa',
          doi: IPSEC_DOI,
          situation: SIT_IDENTITY_ONLY,
          proposals: [
            {
              number: 1,
              protocolId: ProtocolId.IPSEC_ESP,
              spi: spiBytes(this.#spi),
              transforms: c.esp.map((s, i) => espTransform(s, i + 1, c.config.mode, ctx.floated)),
            },
          ],
        },
        { kind: 'nonce', data: this.#ni },
        ...(this.#dh ? [{ kind: 'ke', data: this.#dh.publicKey } as const] : []),
        selectorId(c.local, c.protocol),
        selectorId(c.remote, c.protocol),
      ];
      const hash = cipher.hashA(mid4(this.messageId), encodePayloads(rest));
      ctx.encrypted(out, ExchangeType.QUICK_MODE, this.messageId, [
        { kind: 'hash', data: hash },
        ...rest,
      ]);
      this.#round = 1;
      return needMore;
    }
    const hash3 = cipher.hashA(Uint8Array.of(0), mid4(this.messageId), this.#ni!, this.#nr!);
    ctx.encrypted(out, ExchangeType.QUICK_MODE, this.messageId, [{ kind: 'hash', data: hash3 }]);
    return done;
  }

  process(msg: Inbound): ProcessResult {
    const ctx = this.ctx;
    const cipher = ctx.cipher!;
    const ps = msg.payloads;
    // A message that does not decrypt, or whose HASH(2) fails, is not from our peer: ignored, the exchange goes on.
    if (ps === null || msg.opened === null || ps[0]?.kind !== 'hash')
      return refused('qm-undecodable');
    const after = msg.opened.plain.subarray(
      ps[0].raw.length + (ps[0].raw.byteOffset - msg.opened.plain.byteOffset),
      endOf(ps),
    );
    if (!cipher.verifyA(ps[0].data, mid4(this.messageId), this.#ni!, after))
      return refused('qm-hash-failed');
    cipher.commit(this.messageId, msg.opened);
    const sa = find(ps, 'sa');
    const nonce = find(ps, 'nonce');
    const ids = findAll(ps, 'id');
    const p = sa?.proposals[0];
    const t = p?.transforms[0];
    const chosen =
      t &&
      p &&
      sa &&
      sa.proposals.length === 1 &&
      p.transforms.length === 1 &&
      p.protocolId === ProtocolId.IPSEC_ESP
        ? readEsp(t)
        : undefined;
    const ours = chosen && this.child.esp.find((s) => sameEsp(s, chosen.suite));
    if (!nonce || !ours || !p || chosen.mode !== this.child.config.mode || p.spi.length !== 4)
      return failed(new TaskRejectedError(this.kind, 'no-proposal-chosen'));
    // The responder must answer for the selectors we asked for.
    if (
      ids.length === 2 &&
      !(
        sameRange(idRange(ids[0]!), this.child.local) &&
        sameRange(idRange(ids[1]!), this.child.remote)
      )
    )
      return failed(new TaskRejectedError(this.kind, 'invalid-id-information'));
    let gxy: Uint8Array | undefined;
    if (this.#dh) {
      const ke = find(ps, 'ke');
      if (!ke) return failed(new TaskRejectedError(this.kind, 'no-pfs-ke'));
      try {
        gxy = this.#dh.deriveShared(ke.data);
      } catch {
        return failed(new TaskRejectedError(this.kind, 'invalid-ke'));
      }
    }
    this.#nr = nonce.data.slice();
    const { encryptionLength, integrityLength } = espSpec(ours);
    const len = encryptionLength + integrityLength;
    const theirs = spiOf(p.spi);
    this.result = {
      child: this.child,
      suite: { ...ours, lifetime: Math.min(ours.lifetime, chosen.suite.lifetime) },
      mode: chosen.mode,
      inbound: {
        spi: this.#spi,
        keymat: cipher.keymat(
          ProtocolId.IPSEC_ESP,
          spiBytes(this.#spi),
          this.#ni!,
          this.#nr,
          len,
          gxy,
        ),
      },
      outbound: {
        spi: theirs,
        keymat: cipher.keymat(ProtocolId.IPSEC_ESP, p.spi, this.#ni!, this.#nr, len, gxy),
      },
      local: this.child.local,
      remote: this.child.remote,
      messageId: this.messageId,
    };
    if (gxy) wipe(gxy);
    this.#round = 2;
    return needMore;
  }

  destroy(): void {
    this.#dh?.destroy();
    for (const b of [this.#ni, this.#nr]) if (b) wipe(b);
  }
}

/** The end of the last payload in the decrypted body (padding follows). */
export function endOf(ps: readonly { raw: Uint8Array }[]): number {
  const last = ps[ps.length - 1]!;
  const first = ps[0]!;
  return last.raw.byteOffset + last.raw.length - first.raw.byteOffset;
}

function sameRange(
  a: { address: Uint8Array; prefix: number } | undefined,
  b: { address: Uint8Array; prefix: number },
): boolean {
  if (!a || a.prefix !== b.prefix) return false;
  for (let i = 0; i < 16; i++) if (a.address[i] !== b.address[i]) return false;
  return true;
}
