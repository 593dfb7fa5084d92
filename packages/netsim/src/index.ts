/** @conduits/netsim: deterministic simulated networks for conduit graphs. */
export { Adversary, type AdversaryLink, type Direction, type InFlight, type Rule, type Verdict } from './adversary.js';
export { Interface, Link, type LinkEvent, type LinkParams, type LinkStats } from './link.js';
export { Network, withSeed } from './network.js';
export { LinkType, PcapWriter, type PcapRecord } from './pcap-writer.js';
export { ensureTshark, TsharkMissingError, tsharkAvailable, tsharkFields, tsharkMissing } from './tshark.js';
export { CaptureFile, captureRecords, MAX_RECORD, PcapFormatError, readCapture, type CaptureOptions, type CaptureSource, type PcapPacket } from './pcap-reader.js';
export { Switch } from './switch.js';
