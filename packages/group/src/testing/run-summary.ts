/**
 * One run of a group on the simulator, summarised (what `conduits group run` prints): members
 * join, everybody talks, one member leaves and one is expelled, everybody talks again; then
 * who could read the last messages, what was refused (by reason), which alerts were raised,
 * what the rekeys cost. With an attack, its script runs instead and its result is included.
 */
import { engineByName } from '@conduits/crypto';
import { GroupConfigError } from '../errors.js';
import { preset as presetOf, type PresetName } from '../preset.js';
import { attackNames, runAttack, type AttackName, type AttackResult } from './attacks.js';
import { GroupSim } from './group-sim.js';

export interface RunOptions {
  readonly members: number;
  readonly preset: string;
  readonly seed: number;
  readonly attack?: string;
  readonly engine?: string;
  readonly loss?: number;
}

export interface RunSummary {
  readonly preset: PresetName;
  readonly members: number;
  readonly seed: number;
  readonly warning: string | null;
  readonly joined: number;
  readonly delivered: number;
  readonly refused: Record<string, number>;
  readonly alerts: Record<string, number>;
  readonly rekeys: {
    readonly count: number;
    readonly messages: number;
    readonly bytes: number;
    readonly wrappedKeys: number;
    readonly epoch: number;
  };
  /** The expelled member (which kept its keys): could it read a message sent after its expulsion? */
  readonly departedCouldRead: Record<string, boolean>;
  readonly attack?: AttackResult;
}

export function runGroup(o: RunOptions): RunSummary {
  const policy = presetOf(o.preset);
  if (!Number.isInteger(o.members) || o.members < 3 || o.members > 2000)
    throw new GroupConfigError(`--members ${o.members}: 3 .. 2000`);
  const te = new TextEncoder();
  const sim = new GroupSim({
    members: o.members,
    preset: policy,
    seed: o.seed,
    engine: engineByName(o.engine ?? 'noble'),
    net: { loss: o.loss ?? 0, jitter: 2 },
    leader: { capacity: Math.max(4, o.members) },
  });
  sim.run(2000 + o.members * 10);
  const joined = sim.members.filter((m) => m.state === 'member');
  for (const m of joined) m.send(te.encode(`hello from ${m.name}`));
  sim.run(200);
  const [leaver, expelled] = [joined[joined.length - 1], joined[joined.length - 2]];
  leaver?.leave();
  sim.run(300);
  // The expelled member ignores its expulsion: it keeps every key it had (a malicious insider).
  if (expelled !== undefined) {
    sim.net.adversary = (p) => (p.to === expelled.endpoint ? 'drop' : 'pass');
    sim.leader.expel(sim.leader.idOf(expelled.name) as number);
    sim.run(300);
    sim.net.adversary = null;
  }
  const speaker = joined[0];
  speaker?.send(te.encode('after the departures'));
  sim.run(200);
  const last =
    speaker === undefined
      ? undefined
      : sim.net.log
          .filter((p) => p.from === speaker.endpoint && (p.bytes[0] as number) >= 0x20)
          .at(-1)?.bytes;
  const departedCouldRead: Record<string, boolean> = {};
  if (expelled !== undefined && last !== undefined)
    departedCouldRead[expelled.name] = expelled.tryOpen(last) !== null;
  const refused: Record<string, number> = {};
  const alerts: Record<string, number> = {};
  for (const r of [sim.leader.refusals, ...sim.members.map((m) => m.refusals)])
    for (const [k, v] of r.counts) refused[k] = (refused[k] ?? 0) + v;
  for (const a of [...sim.leader.alerts, ...sim.members.flatMap((m) => m.alerts)])
    alerts[a.reason] = (alerts[a.reason] ?? 0) + 1;
  const s = sim.leader.stats;
  const summary: RunSummary = {
    preset: policy.name,
    members: o.members,
    seed: o.seed,
    warning: policy.warning,
    joined: joined.length,
    delivered: sim.members.reduce((n, m) => n + m.delivered.length, 0),
    refused,
    alerts,
    rekeys: {
      count: s.rekeys,
      messages: s.rekeyMessages,
      bytes: s.rekeyBytes,
      wrappedKeys: s.wrappedKeys,
      epoch: sim.leader.epoch,
    },
    departedCouldRead,
  };
  sim.close();
  if (o.attack === undefined) return summary;
  if (!(attackNames as string[]).includes(o.attack))
    throw new GroupConfigError(`unknown attack ${o.attack} (have: ${attackNames.join(', ')})`);
  return { ...summary, attack: runAttack(o.attack as AttackName, policy.name, o.seed) };
}
