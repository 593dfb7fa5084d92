/**
 * @conduits/protocols-inet: IPv6 (RFC 8200), UDP (RFC 768), ICMPv6 (RFC 4443) and
 * fragmentation/reassembly (RFC 8200 §4.5, RFC 5722) as conduits, with a real UDP socket
 * adaptor and a socket-like application adaptor.
 */
export * from './codec/address.js';
export * from './codec/checksum.js';
export * from './codec/constants.js';
export * from './codec/drop-reasons.js';
export * from './codec/fragment-header.js';
export * from './codec/icmpv6.js';
export { checkIpv6Header, DST, MAX_EXTENSION_HEADERS, SRC, walkExtensionHeaders, writeIpv6Header } from './codec/ipv6-header.js';
export * from './codec/udp-header.js';
export * from './attributes.js';
export { DgramAdaptor, socketAddress, socketPort, type DgramOptions } from './adaptors/dgram-adaptor.js';
export { sourceOf, UdpEndpoint, type Datagram } from './adaptors/udp-endpoint.js';
export { FRAGMENT_OVERHEAD, fragmentDeclaration, fragmentSession, fragmentState, REASSEMBLY_OVERHEAD, type FragmentConfig, type FragmentData } from './conduits/fragment-session.js';
export { icmpv6, type IcmpEvent, type Icmpv6Endpoint, type Icmpv6Options } from './conduits/icmpv6-session.js';
export { ipv6Declaration, ipv6Session, ipv6State, type ExpressLane, type Ipv6Config } from './conduits/ipv6-session.js';
export { expressPath, UdpExpress, type ExpressStep } from './conduits/udp-express.js';
export { nextHeaderAccessor, noListenerSession, portAccessor, udpDeclaration, udpSession, udpState, unknownProtocolSession, type IcmpErrorSender } from './conduits/udp-session.js';
export { Host, type HostOptions } from './host.js';
export { describePacket } from './codec/describe-packet.js';
export { PathMtuCache } from './conduits/path-mtu.js';
