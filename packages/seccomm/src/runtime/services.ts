/**
 * How micro-protocols reach principals that are not the peer (a KDC, a CA): §3.3.7 notes they
 * "use sockets directly" rather than the connection. A ServiceClient sends one request to an
 * address and calls back once with the reply, or with null when none came in time. The
 * library's implementation runs over a UdpEndpoint (simulated or real), see UdpServiceClient.
 */
export interface ServiceClient {
  call(address: string, request: Uint8Array, onReply: (reply: Uint8Array | null) => void): void;
}

import { sharedKey } from '@conduits/core';

export const Services = sharedKey<ServiceClient | null>('Services', () => null);
