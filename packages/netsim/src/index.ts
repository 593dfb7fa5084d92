/**
 * @conduits/netsim: deterministic simulated networks for conduit graphs. Reading captures back
 * is in `/codec`, the tshark helpers of this workspace's tests in `/internal`.
 */
export {
  Adversary,
  type AdversaryLink,
  type Direction,
  type InFlight,
  type Rule,
  type Verdict,
} from './adversary.js';
export { Interface, Link, type LinkEvent, type LinkParams, type LinkStats } from './link.js';
export { Network, withSeed } from './network.js';
export { LinkType, PcapWriter, type PcapRecord } from './pcap-writer.js';
export { Switch } from './switch.js';
