/**
 * `conduits group run --members N --preset P [--attack A] [--seed S] [--engine noble|node] [--loss p]`:
 * a leader-based secure group (@conduits/group) on the simulator, one JSON summary: delivered,
 * refused by reason, alerts, rekey messages and bytes, whether the expelled member could still
 * read, and the attack's result.
 */
import { presetNames } from '@conduits/group';
import { attackNames, runGroup } from '@conduits/group/testing';
import { option, UsageError, type Args } from './args.js';

export function groupCommand(args: Args, out: (s: string) => void): void {
  const [sub] = args.positionals;
  if (sub !== 'run') throw new UsageError(`usage: conduits group run --members N --preset ${presetNames.join('|')} [--attack ${attackNames.join('|')}] [--seed S]`);
  const members = Number(option(args, 'members', '10'));
  const seed = Number(option(args, 'seed', '1'));
  const presetName = option(args, 'preset', 'repaired');
  if (!presetNames.includes(presetName as never)) throw new UsageError(`unknown preset ${presetName} (have: ${presetNames.join(', ')})`);
  const attack = args.options.get('attack');
  if (attack !== undefined && (typeof attack !== 'string' || !(attackNames as string[]).includes(attack))) throw new UsageError(`unknown attack ${String(attack)} (have: ${attackNames.join(', ')})`);
  if (!Number.isInteger(members) || members < 3 || members > 2000) throw new UsageError('--members must be an integer, 3 .. 2000');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  const loss = Number(option(args, 'loss', '0'));
  if (!(loss >= 0 && loss < 1)) throw new UsageError('--loss must be in [0, 1)');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
  try {
    const summary = runGroup({ members, preset: presetName, seed, attack: typeof attack === 'string' ? attack : undefined, engine: option(args, 'engine', 'noble'), loss });
    if (summary.warning !== null) process.stderr.write(`WARNING ${summary.warning}\n`);
    out(JSON.stringify(summary));
  } finally {
    console.warn = warn;
  }
}
