/**
 * `@conduits/protocols-inet/internal`: what the host graph is built from but a user does not
 * call — the builder's declarations, the UDP express lane, the path MTU cache. No stability promise.
 */
export {
  FRAGMENT_OVERHEAD,
  fragmentDeclaration,
  REASSEMBLY_OVERHEAD,
} from '../conduits/fragment-session.js';
export { ipv6Declaration, type ExpressLane } from '../conduits/ipv6-session.js';
export { expressPath, UdpExpress, type ExpressStep } from '../conduits/udp-express.js';
export { udpDeclaration } from '../conduits/udp-session.js';
export { PathMtuCache } from '../conduits/path-mtu.js';
