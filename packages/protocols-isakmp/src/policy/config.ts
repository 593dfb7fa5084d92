/**
 * The policy manager's configuration: plain data (JSON-able), as `swanctl.conf` says it —
 * peers by address with a pre-shared key and IKE proposals, children with traffic selectors,
 * mode, ESP proposals and when to start.
 */

export interface ChildConfig {
  readonly name: string;
  readonly mode: 'tunnel' | 'transport';
  /** Our side's traffic selector, `2001:db8::1/128` or `2001:db8:1::/64`. */
  readonly local: string;
  /** The peer's side. */
  readonly remote: string;
  /** Upper-layer protocol (17 = UDP); absent: any. */
  readonly protocol?: number;
  /** ESP proposals in order of preference, e.g. `aes128-sha256`, `aes128gcm16-modp2048` (PFS group last). */
  readonly esp: readonly string[];
  /** `trap`: negotiate when the SPD's protect rule finds no SA (ACQUIRE); `start`: at once; `none`: only when asked. @default 'trap' */
  readonly start?: 'trap' | 'start' | 'none';
  /** IPsec SA lifetime, seconds. @default 3600 */
  readonly lifetime?: number;
}

export interface PeerConfig {
  readonly name: string;
  /** The peer's IPv6 address (Main Mode with pre-shared keys identifies peers by address). */
  readonly address: string;
  /** The pre-shared key (UTF-8). Never logged. */
  readonly psk: string;
  /** IKE proposals in order of preference, e.g. `aes128-sha256-modp2048`, `aes256-sha1-ecp256`. */
  readonly ike: readonly string[];
  /** Phase 1 exchange: Main Mode (identity protection) or Aggressive Mode (RFC 2409 §5.4; identities in clear). @default 'main' */
  readonly mode?: 'main' | 'aggressive';
  /** ISAKMP SA lifetime, seconds. @default 28800 */
  readonly lifetime?: number;
  readonly children: readonly ChildConfig[];
}

export interface IkeConfig {
  /** Our IPv6 address. */
  readonly address: string;
  readonly peers: readonly PeerConfig[];
  /** Half-open ISAKMP SAs (responder, before Main Mode completes) per peer address. @default 4 */
  readonly halfOpenPerPeer?: number;
  /** Half-open ISAKMP SAs in all. @default 64 */
  readonly halfOpenTotal?: number;
  /** Retransmission: first timeout (ms) and transmissions. @default { timeout: 500, tries: 5 } */
  readonly retransmit?: { readonly timeout?: number; readonly tries?: number };
  /** Offer and accept NAT traversal (RFC 3947): vendor ID, NAT-D, float to port 4500, UDP-encapsulated ESP. The transport must then carry port 4500 with the non-ESP marker. @default false */
  readonly natTraversal?: boolean;
  /** Crypto engine. @default 'noble' */
  readonly engine?: 'noble' | 'node';
}
