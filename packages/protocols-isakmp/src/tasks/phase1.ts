/** What both Main Mode tasks compute: the keys after the KE/NONCE round, IDs, HASH_I and HASH_R (RFC 2409 §5). */
import { wipe, type KeyAgreementKey } from '@conduits/crypto';
import { IsakmpCipher } from '../cipher/isakmp-cipher.js';
import { skeyidPreSharedKey } from '../cipher/skeyid.js';
import { IdType, IPSEC_DOI, ProtocolId, SIT_IDENTITY_ONLY } from '../codec/constants.js';
import type { Payload } from '../codec/payloads.js';
import { encodePayloads } from '../codec/message.js';
import type { Phase1Suite } from '../policy/algorithms.js';
import { phase1Transform } from '../policy/algorithms.js';
import type { SaContext } from '../sa/context.js';
import { TaskRejectedError } from '@conduits/core';
import { NotifyType } from '../codec/constants.js';

/** A Main Mode failure that tells the peer (or the log) which RFC 2408 notification it is. */
export class Phase1Error extends TaskRejectedError {
  constructor(
    task: string,
    reason: string,
    readonly notifyType: number,
  ) {
    super(task, reason);
  }
}
export const authFailed = (task: string) =>
  new Phase1Error(task, 'authentication-failed', NotifyType.AUTHENTICATION_FAILED);
export const noProposal = (task: string) =>
  new Phase1Error(task, 'no-proposal-chosen', NotifyType.NO_PROPOSAL_CHOSEN);

export function phase1SaPayload(suites: readonly Phase1Suite[]): Payload {
  return {
    kind: 'sa',
    doi: IPSEC_DOI,
    situation: SIT_IDENTITY_ONLY,
    proposals: [
      {
        number: 1,
        protocolId: ProtocolId.ISAKMP,
        spi: new Uint8Array(0),
        transforms: suites.map((s, i) => phase1Transform(s, i + 1)),
      },
    ],
  };
}

/** Our phase-1 identity: our address (RFC 2407 §4.6.2.1 ID_IPV6_ADDR), protocol and port 0. */
export function identity(ctx: SaContext, self: boolean): Payload & { kind: 'id' } {
  return {
    kind: 'id',
    idType: IdType.IPV6_ADDR,
    protocolId: 0,
    port: 0,
    data: self ? ctx.local : ctx.peerAddress,
  };
}
/** The ID payload body, IDii_b / IDir_b. */
export function idBody(p: Payload & { kind: 'id' }): Uint8Array {
  return encodePayloads([p]).subarray(4);
}

/** After KE and NONCE both ways: g^xy, SKEYID (pre-shared key), the Cipher. `dh` is wiped. */
export function deriveKeys(
  ctx: SaContext,
  suite: Phase1Suite,
  dh: KeyAgreementKey,
  peerKe: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
): boolean {
  let gxy: Uint8Array;
  try {
    gxy = dh.deriveShared(peerKe);
  } catch {
    return false;
  }
  const mine = dh.publicKey;
  const gxi = ctx.role === 'initiator' ? mine : peerKe;
  const gxr = ctx.role === 'initiator' ? peerKe : mine;
  const skeyid = skeyidPreSharedKey(ctx.engine, suite.hash, ctx.peer.psk, ni, nr);
  ctx.cipher = new IsakmpCipher({
    engine: ctx.engine,
    hash: suite.hash,
    keyLength: suite.keyLength,
    skeyid,
    gxy,
    gxi,
    gxr,
    ckyI: ctx.ckyI,
    ckyR: ctx.ckyR,
    ...(ctx.keyLog ? { keyLog: ctx.keyLog } : {}),
  });
  wipe(skeyid);
  wipe(gxy);
  dh.destroy();
  return true;
}
