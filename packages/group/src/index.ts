/**
 * @conduits/group: leader-based secure groups (Enclaves, Antigone) on conduits.
 */
export { boundChannel, publishedChannel, type ChannelPolicy } from './channel/channel-policy.js';
export { EpochKeys } from './channel/epoch-keys.js';
export { FanOut, memberAttr, type Retag } from './channel/fan-out.js';
export { FrameType, HEADER, HOP_TAG, TAG, readHeader, type FrameHeader } from './channel/frame.js';
export { GroupChannel, type Delivered } from './channel/group-channel.js';
export { linkKeys, type LinkKeys } from './channel/link-keys.js';
export { Refusals, type AlertSink } from './channel/refusals.js';
export { Relay } from './channel/relay.js';
export { ReplayWindow, type WindowVerdict } from './channel/replay-window.js';
export { KeyPath } from './lkh/key-path.js';
export { LkhTree, type RekeyBatch } from './lkh/lkh-tree.js';
export { ENTRY, type WrapContext } from './lkh/wrap.js';
export { GroupConfigError, GroupError, GroupStateError } from './errors.js';
