/**
 * Why a packet was dropped: decoders return one of these instead of throwing, conduits
 * count them (graph.drops) and raise alerts for the security-relevant ones.
 */
export type InetDropReason =
  | 'ipv6-truncated'
  | 'ipv6-bad-version'
  | 'ipv6-truncated-payload'
  | 'ipv6-jumbogram-unsupported'
  | 'ipv6-bad-source'
  | 'ipv6-not-for-us'
  | 'ipv6-misplaced-hop-by-hop'
  | 'ipv6-truncated-extension'
  | 'ipv6-too-many-extension-headers'
  | 'ipv6-unknown-option'
  | 'ipv6-bad-option'
  | 'ipv6-routing-header'
  | 'ipv6-no-destination'
  | 'ipv6-unknown-next-header'
  | 'udp-truncated'
  | 'udp-bad-length'
  | 'udp-zero-checksum'
  | 'udp-bad-checksum'
  | 'udp-no-listener'
  | 'icmpv6-truncated'
  | 'icmpv6-bad-checksum'
  | 'icmpv6-unknown-type'
  | 'icmpv6-ptb-not-ours'
  | 'icmpv6-ptb-implausible'
  | 'fragment-truncated'
  | 'fragment-bad-length'
  | 'fragment-too-large'
  | 'fragment-overlap'
  | 'fragment-memory-limit'
  | 'fragment-evicted'
  | 'fragment-timeout'
  | 'fragment-mismatched-header'
  | 'fragment-duplicate'
  | 'packet-too-big';

/** Drops that may be an attack: they also raise a security alert. */
export const securityRelevant: ReadonlySet<InetDropReason> = new Set<InetDropReason>([
  'fragment-overlap',
  'fragment-memory-limit',
  'fragment-evicted',
  'ipv6-too-many-extension-headers',
  'ipv6-routing-header',
  'udp-bad-checksum',
  'icmpv6-ptb-not-ours',
]);

/** A decode error at the edges (pcap reading, tools), carrying the same reason. */
export class InetDecodeError extends Error {
  override readonly name = 'InetDecodeError';
  constructor(readonly reason: InetDropReason) {
    super(reason);
  }
}
