/**
 * `conduits group run --members N --preset P [--attack A] [--seed S] [--engine noble|node] [--loss-percent L]`:
 * a leader-based secure group (@conduits/group) on the simulator, one JSON summary on stdout:
 * delivered, refused by reason, alerts, rekey messages and bytes, whether the expelled member
 * could still read, and the attack's result. A published (flawed) preset's warning goes to stderr.
 */
import { presetNames } from '@conduits/group';
import { attackNames, runGroup } from '@conduits/group/testing';
import { integerOption, option, positionals, type Args, type OptionSpecs } from './args.js';
import type { Io } from './io.js';

export const groupUsage = `conduits group run [--members N] [--preset ${presetNames.join('|')}] [--attack ${attackNames.join('|')}] [--seed S] [--engine noble|node] [--loss-percent L]`;

export const groupOptions: OptionSpecs = {
  members: { kind: 'integer', min: 3, max: 2000 },
  preset: { kind: 'string', choices: presetNames },
  attack: { kind: 'string', choices: attackNames },
  seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1 },
  engine: { kind: 'string', choices: ['noble', 'node'] },
  'loss-percent': { kind: 'integer', min: 0, max: 99 },
};

export function groupRunCommand(args: Args, io: Io): void {
  positionals(args, 0, groupUsage);
  const attack = args.options.get('attack');
  const warnings: string[] = [];
  const warn = console.warn;
  // The group layer warns on console when a published preset starts; the CLI says it once, on stderr.
  console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
  try {
    const summary = runGroup({
      members: integerOption(args, 'members', 10),
      preset: option(args, 'preset', 'repaired'),
      seed: integerOption(args, 'seed', 1),
      attack,
      engine: option(args, 'engine', 'noble'),
      loss: integerOption(args, 'loss-percent', 0) / 100,
    });
    if (summary.warning !== null) io.err(`WARNING ${summary.warning}`);
    io.out(JSON.stringify(summary));
  } finally {
    console.warn = warn;
  }
}
