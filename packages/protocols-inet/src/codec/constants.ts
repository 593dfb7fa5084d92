/** IANA protocol numbers (the IPv6 Next Header field) and ICMPv6 types used here. */
export const NextHeader = {
  HOP_BY_HOP: 0,
  ICMP: 1,
  IPV4: 4,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ROUTING: 43,
  FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NO_NEXT_HEADER: 59,
  DESTINATION_OPTIONS: 60,
} as const;

/** RFC 4443 §2.1 message types. */
export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
} as const;

export const IPV6_HEADER = 40;
export const UDP_HEADER = 8;
export const FRAGMENT_HEADER = 8;
/** RFC 8200 §5: every IPv6 link carries at least 1280-byte packets. */
export const IPV6_MIN_MTU = 1280;
