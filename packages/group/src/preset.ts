/**
 * A group is a composition of micro-protocol choices; the published protocols and the repaired
 * one differ only in these switches (Dutertre's analysis names what each published choice
 * breaks). `repaired` is the default; the published presets exist to demonstrate the attacks.
 */
import { boundChannel, publishedChannel, type ChannelPolicy } from './channel/channel-policy.js';
import { GroupConfigError } from './errors.js';

export type PresetName = 'repaired' | 'antigone-published' | 'enclaves2-published' | 'enclaves1';
export const presetNames: readonly PresetName[] = [
  'repaired',
  'antigone-published',
  'enclaves2-published',
  'enclaves1',
];

export interface GroupPolicy {
  readonly name: PresetName;
  /** Data frames: bound to sender/group/epoch/seq, replay windows, link tags. */
  readonly channel: ChannelPolicy;
  /** Rekey over a logical key hierarchy (O(log n)) rather than the group key wrapped for every member (O(n)). */
  readonly lkh: boolean;
  /** Wrapped keys bound to group, epoch and tree position. */
  readonly bindWraps: boolean;
  /** A fresh K_a per session by an authenticated key exchange (else Antigone's σ_SL,A = f(long-term key, SL), the same every session). */
  readonly freshPairKey: boolean;
  /** Control messages bind their header (type, group, members, exchange) and one-way ones must count up. */
  readonly boundControl: boolean;
  /** Rekeys and membership lists signed with the leader's session key, epochs and versions must increase. */
  readonly signedRekey: boolean;
  readonly rekeyOnJoin: boolean;
  readonly rekeyOnLeave: boolean;
  /** Leave requests authenticated (Enclaves 2.0's req_close is sent in clear). */
  readonly authLeave: boolean;
  /** The leader's close/expel notice authenticated (Enclaves 2.0's close_connection is clear). */
  readonly authClose: boolean;
  /** Access control after authentication, a denial under K_a (Enclaves 2.0 answers req_open in clear). */
  readonly authDenial: boolean;
  /** Key-retransmit requests authenticated (Antigone's is "g, A" in clear). */
  readonly authRetransmit: boolean;
  /** The new member's key message: S_SL under K_a (Antigone protects it only with a K_g MAC). */
  readonly sealSequence: boolean;
  /** The TTP's reply names the member (Antigone's does not: pair-key substitution). */
  readonly ttpNamesMember: boolean;
  /** Heartbeats: challenge–response both ways (fresh), Antigone's repeated signed counters, or none (Enclaves). */
  readonly heartbeat: 'challenge' | 'counter' | 'none';
  /** Gossip replay protection (a per-origin window at the leader, a fresh leader sequence at the recipient). */
  readonly gossipFresh: boolean;
  /** Printed (and raised) when a group with this preset starts. */
  readonly warning: string | null;
}

export const repaired: GroupPolicy = Object.freeze({
  name: 'repaired',
  channel: boundChannel,
  lkh: true,
  bindWraps: true,
  freshPairKey: true,
  boundControl: true,
  signedRekey: true,
  rekeyOnJoin: true,
  rekeyOnLeave: true,
  authLeave: true,
  authClose: true,
  authDenial: true,
  authRetransmit: true,
  sealSequence: true,
  ttpNamesMember: true,
  heartbeat: 'challenge',
  gossipFresh: true,
  warning: null,
});

const published = {
  channel: publishedChannel,
  lkh: false,
  bindWraps: false,
  boundControl: false,
  signedRekey: false,
  rekeyOnJoin: false,
  rekeyOnLeave: false,
  gossipFresh: false,
} as const;

export const antigonePublished: GroupPolicy = Object.freeze({
  ...repaired,
  ...published,
  name: 'antigone-published',
  freshPairKey: false,
  authRetransmit: false,
  sealSequence: false,
  ttpNamesMember: false,
  heartbeat: 'counter',
  warning:
    'antigone-published: the published Antigone protocols (Dutertre 2000 lists their flaws); for attack demonstrations only',
});

export const enclaves2Published: GroupPolicy = Object.freeze({
  ...repaired,
  ...published,
  name: 'enclaves2-published',
  authLeave: false,
  authClose: false,
  authDenial: false,
  heartbeat: 'none',
  warning:
    'enclaves2-published: the published Enclaves 2.0 protocols (Dutertre 2000 lists their flaws); for attack demonstrations only',
});

/** Enclaves 1.0's conservative format (sender, recipient, sequence number in every message), its group-wide key distribution and no fault detection. */
export const enclaves1: GroupPolicy = Object.freeze({
  ...repaired,
  name: 'enclaves1',
  lkh: false,
  heartbeat: 'none',
  warning: null,
});

export const presets: Readonly<Record<PresetName, GroupPolicy>> = Object.freeze({
  repaired,
  'antigone-published': antigonePublished,
  'enclaves2-published': enclaves2Published,
  enclaves1,
});

export function preset(name: string): GroupPolicy {
  const p = (presets as Record<string, GroupPolicy>)[name];
  if (p === undefined)
    throw new GroupConfigError(`unknown preset ${name} (have: ${presetNames.join(', ')})`);
  return p;
}
