/** The test kit, shipped with the library so users test their protocols the way we test ours. */
export { EmbeddedGraph, embed } from './embedded-graph.js';
export { LinkAdaptor, linkPair } from './link-adaptor.js';
export { ProbeAdaptor, type Captured } from './probe-adaptor.js';
export { WireAdaptor, wirePair } from './wire-adaptor.js';
export {
  carrierMark,
  checkCarriers,
  liveCarriers,
  setCarrierChecks,
  takeOwnershipErrors,
} from './carrier-checks.js';
