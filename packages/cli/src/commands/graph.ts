import { describeGraph, toDot, toMermaid, type Graph, type GraphDescription } from '@conduits/core';
import { examples } from '../examples/registry.js';
import { positionals, UsageError, type Args, type OptionSpecs } from './args.js';
import type { Io } from './io.js';

export type GraphFormat = 'dot' | 'mermaid';
const graphFormats: readonly GraphFormat[] = ['dot', 'mermaid'];

/** The same description with every node id prefixed, so two graphs can share one picture. */
function prefixed(d: GraphDescription, prefix: string): GraphDescription {
  return {
    name: d.name,
    nodes: d.nodes.map((n) => ({
      ...n,
      id: `${prefix}${n.id}`,
      parent: n.parent === null ? null : `${prefix}${n.parent}`,
    })),
    edges: d.edges.map((e) => ({ ...e, from: `${prefix}${e.from}`, to: `${prefix}${e.to}` })),
  };
}

/**
 * One picture, whatever the number of graphs: a single graph as the core draws it; several
 * (the chat's client and server) as one graph with a cluster each — Graphviz and Mermaid both
 * take exactly one graph per file. Wire at the bottom throughout (rankdir BT / flowchart BT).
 */
export function renderGraphs(graphs: readonly Graph[], format: GraphFormat): string {
  const render = format === 'dot' ? toDot : toMermaid;
  if (graphs.length === 1) return render(describeGraph(graphs[0] as Graph));
  const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
  const quote = (s: string): string => `"${s.replace(/"/g, format === 'dot' ? '\\"' : '#quot;')}"`;
  const name = graphs.map((g) => g.name).join(' + ');
  if (format === 'dot') {
    const parts = graphs.map((g, i) => lines(toDot(prefixed(describeGraph(g), `g${i}_`))));
    // Every part starts with the same four lines (digraph, rankdir, node and edge defaults) and ends with "}".
    const head = [`digraph ${quote(name)} {`, ...(parts[0] as string[]).slice(1, 4)];
    const body = parts.flatMap((p, i) => [
      `  subgraph cluster_graph${i} {`,
      `    label=${quote(`graph ${(graphs[i] as Graph).name}`)}; style=dashed;`,
      ...p.slice(4, -1).map((l) => `  ${l}`),
      '  }',
    ]);
    return [...head, ...body, '}'].join('\n') + '\n';
  }
  const parts = graphs.map((g, i) => lines(toMermaid(prefixed(describeGraph(g), `g${i}_`))));
  const body = parts.flatMap((p, i) => [
    `  subgraph graph${i}[${quote(`graph ${(graphs[i] as Graph).name}`)}]`,
    ...p.slice(1).map((l) => `  ${l}`),
    '  end',
  ]);
  return ['flowchart BT', ...body].join('\n') + '\n';
}

export const graphUsage = 'conduits graph <example> [--format dot|mermaid]';
export const graphOptions: OptionSpecs = { format: { kind: 'string', choices: graphFormats } };

/** `conduits graph <example> [--format dot|mermaid]` */
export function graphCommand(args: Args, io: Io): void {
  if (args.positionals.length === 0)
    throw new UsageError('missing example', `examples: ${Object.keys(examples).join(', ')}`);
  const [name] = positionals(args, 1, graphUsage);
  const example = examples[name as string];
  if (example === undefined)
    throw new UsageError(
      `unknown example ${name}`,
      `examples: ${Object.keys(examples).join(', ')}`,
    );
  io.out(
    renderGraphs(example.build(), (args.options.get('format') ?? 'dot') as GraphFormat).replace(
      /\n$/,
      '',
    ),
  );
}
