/** `@conduits/seccomm/codec`: the CA's wire messages (certificate request and reply, bound to a request id). */
export {
  boundCertificateRequest,
  certificateReply,
  certificateRequest,
  openCertificateReply,
  REQUEST_ID_BYTES,
  type CertificateAnswer,
} from '../ca/certificate-authority.js';
