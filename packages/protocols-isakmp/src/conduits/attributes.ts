/** Message attributes of the ISAKMP graph: whom a datagram came from or goes to. */
import { attribute } from '@conduits/core';
import type { Ipv6Address } from '@conduits/protocols-inet';

export const ikePeer = attribute<Ipv6Address>('isakmp.peer', 'stack');
export const ikePeerPort = attribute<number>('isakmp.peerPort', 'stack');
