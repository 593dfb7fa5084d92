/** Stack attributes the inet conduits set and read. Numbers, so setting them allocates nothing. */
import { attribute } from '@conduits/core';
import type { Ipv6Address } from './codec/address.js';

/** Offset in the buffer's bytes of the IPv6 header this message arrived in (still in the headroom after the pull). */
export const ipOffset = attribute<number>('inet.ipOffset', 'stack');
/** The protocol of what the buffer holds now (IANA number). */
export const nextHeader = attribute<number>('inet.nextHeader', 'stack');
/** Destination of an outgoing packet. */
export const remoteAddress = attribute<Ipv6Address>('inet.remoteAddress', 'stack');
export const srcPort = attribute<number>('udp.srcPort', 'stack');
export const dstPort = attribute<number>('udp.dstPort', 'stack');
