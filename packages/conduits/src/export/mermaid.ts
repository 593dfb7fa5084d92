import type { ConduitKind } from '../conduit.js';
import type { GraphDescription } from './describe.js';

const shapes: Record<ConduitKind, [string, string]> = {
  session: ['[', ']'],
  mux: ['[/', '\\]'],
  factory: ['[[', ']]'],
  adaptor: ['>', ']'],
  protocol: ['[', ']'],
};

/** Mermaid flowchart: the same picture as toDot, for Markdown viewers. */
export function toMermaid(desc: GraphDescription): string {
  const out = ['flowchart BT'];
  const emit = (parent: string | null, indent: string): void => {
    for (const n of desc.nodes.filter((x) => x.parent === parent)) {
      if (n.kind === 'protocol') {
        out.push(`${indent}subgraph ${n.id}["protocol ${esc(n.name)}"]`);
        emit(n.id, `${indent}  `);
        out.push(`${indent}end`);
      } else {
        const [l, r] = shapes[n.kind];
        out.push(
          `${indent}${n.id}${l}"${esc(`${n.kind} ${n.name}`)}${n.detail ? `<br/>${esc(n.detail)}` : ''}"${r}`,
        );
      }
    }
  };
  emit(null, '  ');
  for (const e of desc.edges) out.push(`  ${e.from} ---|"${e.fromSide}–${e.toSide}"| ${e.to}`);
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
