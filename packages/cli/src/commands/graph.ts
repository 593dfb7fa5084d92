import { describeGraph, toDot, toMermaid, type Graph } from '@conduits/core';
import { examples } from '../examples/registry.js';
import { option, UsageError, type Args } from './args.js';

export function renderGraphs(graphs: readonly Graph[], format: string): string {
  const render = format === 'dot' ? toDot : format === 'mermaid' ? toMermaid : null;
  if (render === null) throw new UsageError(`unknown format ${format} (dot or mermaid)`);
  return graphs.map((g) => render(describeGraph(g))).join('\n');
}

/** `conduits graph <example> [--format dot|mermaid]` */
export function graphCommand(args: Args, out: (s: string) => void): void {
  const name = args.positionals[0];
  const example = name === undefined ? undefined : examples[name];
  if (example === undefined) {
    throw new UsageError(`conduits graph <example> [--format dot|mermaid]\nexamples:\n${Object.entries(examples).map(([k, v]) => `  ${k.padEnd(14)} ${v.describe}`).join('\n')}`);
  }
  out(renderGraphs(example.build(), option(args, 'format', 'dot')));
}
