/**
 * `@conduits/protocols-ipsec/codec`: the wire formats — ESP header and trailer (RFC 4303 §2),
 * the AH header's size (RFC 4302 §2), the ESP-in-UDP port (RFC 3948) and the drop reasons.
 */
export { espSecurityRelevant, type EspDropReason } from '../esp-drop-reasons.js';
export {
  ESP_HEADER,
  lengthProblem,
  pullHeader,
  pushHeader,
  sequenceOf,
  stripTrailer,
  writeTrailer,
} from '../esp/esp-coder.js';
export { AH_FIXED, ahLength } from '../ah.js';
export { natTraversalPort } from '../conduits/ipsec-session.js';
