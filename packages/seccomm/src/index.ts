/**
 * @conduits/seccomm: SecComm (configurable secure communication from micro-protocols, on the
 * Cactus runtime of @conduits/core): compositions and their checker (§3.3.8), connections,
 * channels, the CA and the KDC. The CA's wire messages are in `/codec`; the micro-protocols'
 * shared data, events and key tables in `/internal`.
 */
export {
  catalog,
  isMicroProtocol,
  type CatalogEntry,
  type MicroProtocolClass,
  type MicroProtocolName,
} from './config/catalog.js';
export {
  CompositionError,
  label,
  type CompositionConfig,
  type Dependency,
  type Direction,
  type MicroProtocolChoice,
  type Mode,
  type ResolvedComposition,
  type ResolvedMicroProtocol,
} from './config/composition.js';
export { presets } from './config/presets.js';
export { resolveComposition } from './config/resolve.js';
export { compareStrength, strengthOf, type Strength } from './config/strength.js';
export { AuditLog, SecurityAuditLog } from './micro/audit.js';
export type { ServiceCall, ServiceClient, ServiceReplyHandler } from './runtime/services.js';
export type { SecurityAlert } from './runtime/events.js';
export { closeConnection, openConnection, type OpenOptions } from './runtime/secure-connection.js';
export { AUTH_SENDER, evidence, type Evidence } from './micro/authenticity.js';
export { verifyProofs, type ProofRecord, type ProofVerdict } from './micro/non-repudiation.js';
export type { ParticipantIds } from './runtime/context.js';
export { CertificateAuthority } from './ca/certificate-authority.js';
export { issueCertificate, verifyCertificate, type Certificate } from './ca/certificate.js';
export { KeyDistributionCenter } from './kdc/key-distribution-center.js';
export {
  parseServiceAddress,
  serveUdp,
  ServiceAddressError,
  serviceAddress,
  UdpServiceClient,
  type IdSource,
  type UdpServiceOptions,
} from './services/udp-service.js';
export {
  ChannelClosedError,
  SecureChannel,
  type ChannelHandler,
  type ChannelOptions,
} from './channel/secure-channel.js';
export { udpPeerSession } from './channel/udp-peer-session.js';
export {
  LiveConnection,
  RecompositionBusyError,
  type Recomposition,
} from './live/live-connection.js';
