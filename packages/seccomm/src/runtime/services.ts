/**
 * How micro-protocols reach principals that are not the peer (a KDC, a CA): §3.3.7 notes they
 * "use sockets directly" rather than the connection. A ServiceClient sends one request to an
 * address and calls back with the reply, or once with null when none came in time. The
 * library's implementation runs over a UdpEndpoint (simulated or real), see UdpServiceClient.
 *
 * The first reply does not simply win: the caller checks each reply (it is authenticated and
 * bound to the request's random id) and returns false to refuse it, and the call goes on
 * waiting for the genuine one. A call can be cancelled (the connection closed): no callback,
 * no retransmission after that.
 */
import { sharedKey } from '@conduits/core';

/** A reply (or null: no acceptable reply in time). Return false to refuse a reply and keep waiting. */
export type ServiceReplyHandler = (reply: Uint8Array | null) => boolean | void;

/** A call under way. */
export interface ServiceCall {
  /** Stop retransmitting and never call back. */
  cancel(): void;
}

export interface ServiceClient {
  call(address: string, request: Uint8Array, onReply: ServiceReplyHandler): ServiceCall | void;
}

export const Services = sharedKey<ServiceClient | null>('Services', () => null);
