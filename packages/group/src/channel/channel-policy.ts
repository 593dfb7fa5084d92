/**
 * Which protections a group's data channel composes (the published protocols leave them out):
 * - `bound`: the header (sender, group, epoch, seq) is the AEAD's associated data;
 * - `replay`: a per-sender replay window at the leader and at every member;
 * - `hop`: link tags, so the leader checks who sent a frame and members check it was the leader who relayed it.
 */
export interface ChannelPolicy {
  readonly bound: boolean;
  readonly replay: boolean;
  readonly hop: boolean;
  /** Replay window width, per sender. @default 128 */
  readonly window?: number;
}

export const boundChannel: ChannelPolicy = Object.freeze({ bound: true, replay: true, hop: true });
export const publishedChannel: ChannelPolicy = Object.freeze({
  bound: false,
  replay: false,
  hop: false,
});
