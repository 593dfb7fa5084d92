/** Typed errors of ISAKMP. None of them carries key bytes. */
import { NotifyType } from './codec/constants.js';

export class IsakmpError extends Error {
  override readonly name: string = 'IsakmpError';
}

/** Why a message or payload did not decode; each maps to the RFC 2408 notification a peer would get. */
export type DecodeReason =
  | 'truncated'
  | 'bad-length'
  | 'invalid-major-version'
  | 'invalid-payload-type'
  | 'bad-proposal-syntax'
  | 'invalid-spi'
  | 'bad-attribute'
  | 'too-many'
  | 'doi-not-supported'
  | 'situation-not-supported'
  | 'payload-malformed';

const notifyFor: Record<DecodeReason, number> = {
  truncated: NotifyType.PAYLOAD_MALFORMED,
  'bad-length': NotifyType.UNEQUAL_PAYLOAD_LENGTHS,
  'invalid-major-version': NotifyType.INVALID_MAJOR_VERSION,
  'invalid-payload-type': NotifyType.INVALID_PAYLOAD_TYPE,
  'bad-proposal-syntax': NotifyType.BAD_PROPOSAL_SYNTAX,
  'invalid-spi': NotifyType.INVALID_SPI,
  'bad-attribute': NotifyType.ATTRIBUTES_NOT_SUPPORTED,
  'too-many': NotifyType.PAYLOAD_MALFORMED,
  'doi-not-supported': NotifyType.DOI_NOT_SUPPORTED,
  'situation-not-supported': NotifyType.SITUATION_NOT_SUPPORTED,
  'payload-malformed': NotifyType.PAYLOAD_MALFORMED,
};

export class IsakmpDecodeError extends IsakmpError {
  override readonly name = 'IsakmpDecodeError';
  /** The RFC 2408 §3.14.1 notify message type for this failure. */
  readonly notifyType: number;
  constructor(
    readonly reason: DecodeReason,
    readonly where: string,
  ) {
    super(`ISAKMP decode: ${reason} in ${where}`);
    this.notifyType = notifyFor[reason];
  }
}

/** Configuration or use that cannot work (an unknown algorithm, a key of the wrong size). */
export class IsakmpConfigError extends IsakmpError {
  override readonly name = 'IsakmpConfigError';
}

/** An exchange failed: the peer refused, authentication failed, retransmission gave up. */
export class IsakmpExchangeError extends IsakmpError {
  override readonly name = 'IsakmpExchangeError';
  constructor(
    readonly reason: string,
    readonly notifyType?: number,
  ) {
    super(`ISAKMP exchange: ${reason}`);
  }
}
