/** What the ISAKMP SA's TaskHost carries: decoded arrivals and the messages tasks build. */
import type { DecodedPayload } from '../codec/payloads.js';
import type { IsakmpHeader } from '../codec/header.js';
import type { Opened } from '../cipher/isakmp-cipher.js';

export interface Inbound {
  /** The TaskHost's exchange number: 1 for phase 1, then one per Quick Mode message id. */
  readonly exchange: number;
  /** The message's place among the peer's messages of its exchange (1, 2, 3). */
  readonly step: number;
  readonly header: IsakmpHeader;
  /** Null when the body did not decrypt or decode: the task decides what that means. */
  readonly payloads: readonly DecodedPayload[] | null;
  readonly opened: Opened | null;
  readonly bytes: Uint8Array;
}

export interface Outbound {
  readonly exchange: number;
  bytes: Uint8Array | null;
}
