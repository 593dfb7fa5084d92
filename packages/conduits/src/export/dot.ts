import type { ConduitKind } from '../conduit.js';
import type { GraphDescription, NodeDescription } from './describe.js';

const shapes: Record<ConduitKind, string> = {
  session: 'box',
  mux: 'trapezium',
  factory: 'component',
  adaptor: 'cds',
  protocol: 'box',
};

/** Graphviz DOT: sessions as boxes, muxes as trapezia, factories as components, adaptors as arrows, protocols as clusters. */
export function toDot(desc: GraphDescription): string {
  const out = [
    `digraph ${quote(desc.name)} {`,
    '  rankdir=BT;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [dir=none, fontname="Helvetica", fontsize=8];',
  ];
  const emit = (parent: string | null, indent: string): void => {
    for (const n of desc.nodes.filter((x) => x.parent === parent)) {
      if (n.kind === 'protocol') {
        out.push(
          `${indent}subgraph cluster_${n.id} {`,
          `${indent}  label=${quote(`protocol ${n.name}`)}; style=rounded;`,
        );
        emit(n.id, `${indent}  `);
        out.push(`${indent}}`);
      } else {
        out.push(`${indent}${n.id} [shape=${shapes[n.kind]}, label=${quote(label(n, '\\n'))}];`);
      }
    }
  };
  emit(null, '  ');
  for (const e of desc.edges)
    out.push(
      `  ${e.from} -> ${e.to} [taillabel=${quote(e.fromSide)}, headlabel=${quote(e.toSide)}];`,
    );
  out.push('}');
  return out.join('\n') + '\n';
}

function label(n: NodeDescription, nl: string): string {
  return `${n.kind} ${n.name}${n.detail ? nl + n.detail : ''}`;
}

function quote(s: string): string {
  // Labels carry DOT's own "\\n" line breaks, so only quotes need escaping.
  return `"${s.replace(/"/g, '\\"')}"`;
}
