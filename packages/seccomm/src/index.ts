/**
 * @conduits/seccomm: SecComm (configurable secure communication from micro-protocols, on the
 * Cactus runtime of @conduits/core). This release holds the composition model and its
 * checker (§3.3.8); the micro-protocols themselves follow.
 */
export { catalog, isMicroProtocol, type CatalogEntry, type MicroProtocolClass, type MicroProtocolName } from './config/catalog.js';
export { CompositionError, label, type CompositionConfig, type Dependency, type Direction, type MicroProtocolChoice, type Mode, type ResolvedComposition, type ResolvedMicroProtocol } from './config/composition.js';
export { presets } from './config/presets.js';
export { resolveComposition } from './config/resolve.js';
export { compareStrength, strengthOf, type Strength } from './config/strength.js';
export { AuditLog, SecurityAuditLog } from './micro/audit.js';
export { epochOf, KeyEpoch, Keys, Settings, type ConnectionSettings } from './runtime/context.js';
export { KeyObjects, KeyTable } from './runtime/key-table.js';
export { Push, PushGate } from './runtime/push-gate.js';
export { sendKeyMessage } from './runtime/framing.js';
export { Services, type ServiceCall, type ServiceClient, type ServiceReplyHandler } from './runtime/services.js';
export { DistributionQueue, Distributions, KeyMsg } from './micro/key-distribution.js';
export { keyCreate, keyInstalled, keyMiss, keyMsgReceive, keyMsgSend, openSession, replaceKey, securityAlert, type KeyCreation, type SecurityAlert } from './runtime/events.js';
export { closeConnection, openConnection, type OpenOptions } from './runtime/secure-connection.js';
export { AUTH_SENDER, evidence, type Evidence } from './micro/authenticity.js';
export { verifyProofs, type ProofRecord, type ProofVerdict } from './micro/non-repudiation.js';
export { Participants, PrivateKey, PublicKeys, type ParticipantIds } from './runtime/context.js';
export { CaPublicKey, Certificates } from './micro/public-key-acquisition.js';
export { boundCertificateRequest, CertificateAuthority, certificateReply, certificateRequest, openCertificateReply, REQUEST_ID_BYTES, type CertificateAnswer } from './ca/certificate-authority.js';
export { issueCertificate, verifyCertificate, type Certificate } from './ca/certificate.js';
export { KeyDistributionCenter } from './kdc/key-distribution-center.js';
export { parseServiceAddress, serveUdp, ServiceAddressError, serviceAddress, UdpServiceClient, type IdSource, type UdpServiceOptions } from './services/udp-service.js';
export { AgreementKeys, AgreementPrivateKey } from './runtime/context.js';
export { ChannelClosedError, SecureChannel, type ChannelHandler, type ChannelOptions } from './channel/secure-channel.js';
export { udpPeerSession } from './channel/udp-peer-session.js';
export { Generation, LiveConnection, RecompositionBusyError, type Recomposition } from './live/live-connection.js';
