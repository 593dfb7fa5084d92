/**
 * @conduits/protocols-ipsec: ESP (RFC 4303) with the transforms of RFC 2410, 2404, 3602,
 * 3686, 4106, 4868 and 7634; anti-replay with extended sequence numbers; SAD and SPD
 * (RFC 4301); the IPsec layer of the host graph (Java Conduits §4.2, Figure 7). ESP and AH
 * header codecs and drop reasons are in `/codec`, the layer's own attributes and tables in `/internal`.
 */
export {
  SecurityAssociation,
  spi,
  type Lifetime,
  type LifetimeEvent,
  type SaConfig,
  type SaLifecycleEvent,
  type SaState,
  type Spi,
} from './security-association.js';
export {
  isAead,
  saltLength,
  type EncryptionAlgorithm,
  type IntegrityAlgorithm,
  type TransformSpec,
} from './transforms.js';
export { SecurityAssociationDatabase, type SadEvent, type SadOptions } from './sad.js';
export { PolicyEngine, type AcquireEvent, type OutboundDecision } from './policy-engine.js';
export {
  SecurityPolicyDatabase,
  type AddressRange,
  type InboundRule,
  type OutboundRule,
  type PacketSelectors,
  type Protection,
  type Selector,
} from './spd.js';
export {
  ipsecLayer,
  type IpsecConfig,
  type IpsecLayer,
  type SaEvent,
} from './conduits/ipsec-session.js';
export {
  Open,
  Opened,
  retireSaProtocol,
  saProtocol,
  Seal,
  Sealed,
  type DropWatcher,
} from './conduits/sa-protocol.js';
export { SaKeysClaimedError } from './sa-keys.js';
export {
  EspSaParseError,
  formatEspSa,
  parseEspSa,
  saConfigsFor,
  type EspSaEntry,
} from './esp-sa-file.js';
export { ahProtect, ahVerify } from './ah.js';
export { forGateway, Gateway, type GatewayOptions, type Route } from './gateway.js';
export { siteToSite, type SiteToSite, type TunnelEnd, type TunnelSa } from './site-to-site.js';
export { KernelUdpLink, type KernelUdpLinkOptions } from './adaptors/kernel-udp-link.js';
