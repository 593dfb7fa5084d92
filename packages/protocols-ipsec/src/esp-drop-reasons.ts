/** Why an ESP packet was refused. Counted by the conduits; the security-relevant ones raise an alert. */
export type EspDropReason =
  | 'esp-truncated'
  | 'esp-unknown-spi'
  | 'esp-replay'
  | 'esp-outside-window'
  | 'esp-icv-failed'
  | 'esp-bad-length'
  | 'esp-bad-padding'
  | 'esp-sa-expired'
  | 'esp-sequence-exhausted'
  | 'esp-policy-violation'
  /** The packet an SA opened is not one that SA may carry (RFC 4301 §5.2: its selectors). */
  | 'esp-selector-mismatch'
  /** A dummy packet (next header 59, RFC 4303 §2.6): authenticated, then discarded without alarm. */
  | 'esp-dummy'
  | 'esp-no-sa'
  | 'ipsec-discard'
  | 'esp-unexpected-message'
  | 'esp-inner-fragment'
  | 'nat-keepalive'
  | 'udp-encap-bad-checksum';

export const espSecurityRelevant: ReadonlySet<EspDropReason> = new Set<EspDropReason>([
  'esp-unknown-spi',
  'esp-replay',
  'esp-outside-window',
  'esp-icv-failed',
  'esp-bad-padding',
  'esp-policy-violation',
  'esp-selector-mismatch',
]);
