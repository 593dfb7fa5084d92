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
export {
  interactiveScrypt,
  passwordKey,
  testScrypt,
  Method,
  type MemberCredential,
  type RegisteredMember,
} from './auth/credentials.js';
export { Ctl, decodeControl, type ControlMessage } from './control/control-message.js';
export { Leader, type LeaderOptions } from './node/leader.js';
export {
  Member,
  type MemberOptions,
  type MemberState,
  type GossipDelivered,
} from './node/member.js';
export type { GroupAlert } from './node/group-alert.js';
export {
  antigonePublished,
  enclaves1,
  enclaves2Published,
  preset,
  presetNames,
  presets,
  repaired,
  type GroupPolicy,
  type PresetName,
} from './preset.js';
export { StarNet, type Interception, type NetOptions, type Packet } from './sim/star-net.js';
export { PairKeyFetch, type TtpMessage } from './ttp/pair-key-fetch.js';
export { TrustedThirdParty } from './ttp/ttp.js';
