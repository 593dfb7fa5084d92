/**
 * `@conduits/protocols-inet/codec`: the wire formats — header checks and writers, the Internet
 * checksum, header sizes and type codes, drop reasons, and a one-line packet description.
 */
export * from './checksum.js';
export { FRAGMENT_HEADER, Icmpv6Type, IPV6_HEADER, IPV6_MIN_MTU, UDP_HEADER } from './constants.js';
export * from './drop-reasons.js';
export * from './fragment-header.js';
export * from './icmpv6.js';
export {
  checkIpv6Header,
  DST,
  MAX_EXTENSION_HEADERS,
  SRC,
  walkExtensionHeaders,
  writeIpv6Header,
} from './ipv6-header.js';
export * from './udp-header.js';
export { describePacket } from './describe-packet.js';
