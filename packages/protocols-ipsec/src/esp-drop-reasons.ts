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
]);
