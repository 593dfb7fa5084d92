/**
 * @conduits/protocols-inet: IPv6 (RFC 8200), UDP (RFC 768), ICMPv6 (RFC 4443) and
 * fragmentation/reassembly (RFC 8200 §4.5, RFC 5722) as conduits, with a real UDP socket
 * adaptor and a socket-like application adaptor. Header codecs are in `/codec`, the express
 * lane and the builder's declarations in `/internal`.
 */
export * from './codec/address.js';
export { NextHeader } from './codec/constants.js';
export * from './attributes.js';
export {
  DgramAdaptor,
  socketAddress,
  socketPort,
  type DgramOptions,
} from './adaptors/dgram-adaptor.js';
export { sourceOf, UdpEndpoint, type Datagram } from './adaptors/udp-endpoint.js';
export {
  fragmentSession,
  fragmentState,
  type FragmentConfig,
  type FragmentData,
} from './conduits/fragment-session.js';
export {
  icmpv6,
  type IcmpEvent,
  type Icmpv6Endpoint,
  type Icmpv6Options,
} from './conduits/icmpv6-session.js';
export { ipv6Session, ipv6State, type Ipv6Config } from './conduits/ipv6-session.js';
export {
  nextHeaderAccessor,
  noListenerSession,
  portAccessor,
  udpSession,
  udpState,
  unknownProtocolSession,
  type IcmpErrorSender,
} from './conduits/udp-session.js';
export { Host, type HostOptions } from './host.js';
