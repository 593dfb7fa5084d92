import {
  GraphBuilder,
  PassThrough,
  Protocol,
  Scheduler,
  Session,
  describeGraph,
  toDot,
  toMermaid,
  type Accessor,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';

const key: Accessor<number> = { name: 'first-byte', key: (m) => m.buffer.bytes[m.buffer.start] };

/** Two components: app → chat(fsm, coder) → cipher → net1, and net2 → ports mux (factory, B[80] = www). */
function sample() {
  const g = new GraphBuilder('sample "stack"');
  const chat = new Protocol('chat', (inner) => {
    const fsm = inner.session('fsm', { initial: PassThrough });
    const coder = inner.session('coder', { initial: PassThrough });
    inner.stack(fsm, coder);
    return { a: coder.a, b: fsm.b };
  });
  g.stack(
    g.add(new ProbeAdaptor('app')),
    chat,
    g.session('cipher', { initial: PassThrough }),
    g.add(new ProbeAdaptor('net1')),
  );
  const mux = g.mux('ports', key, {
    prototype: new Session('conv', { initial: PassThrough, terminal: 'B' }),
  });
  g.connect(mux.a, g.add(new ProbeAdaptor('net2')).a);
  g.route(mux, 80, new Session('www', { initial: PassThrough, terminal: 'B' }));
  return g.build(new Scheduler());
}

describe('graph export', () => {
  test('the Describe visitor walks every conduit, nesting and connection', () => {
    const d = describeGraph(sample());
    const names = d.nodes.map((n) => `${n.kind}:${n.name}`).sort();
    expect(names).toEqual(
      [
        'adaptor:app',
        'adaptor:net1',
        'adaptor:net2',
        'factory:ports-factory',
        'mux:ports',
        'protocol:chat',
        'session:cipher',
        'session:coder',
        'session:fsm',
        'session:www',
      ].sort(),
    );
    const mux = d.nodes.find((n) => n.name === 'ports')!;
    expect(mux.detail).toBe('accessor: first-byte; routes: 1 (80)');
    const fsm = d.nodes.find((n) => n.name === 'fsm')!;
    expect(fsm.parent).toBe(d.nodes.find((n) => n.name === 'chat')!.id);
    // every connection appears once
    const keys = d.edges.map((e) =>
      [`${e.from}.${e.fromSide}`, `${e.to}.${e.toSide}`].sort().join('~'),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(d.edges.length).toBe(7);
  });

  test('DOT has clusters for protocols, shapes per kind, escaped names', () => {
    const dot = toDot(describeGraph(sample()));
    expect(dot).toMatch(/^digraph "sample \\"stack\\"" \{/);
    expect(dot).toContain('subgraph cluster_');
    expect(dot).toContain('label="protocol chat"');
    expect(dot).toMatch(/shape=trapezium, label="mux ports\\naccessor: first-byte/);
    expect(dot).toContain('taillabel="B[0]"');
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  test('Mermaid has subgraphs and labelled links', () => {
    const mm = toMermaid(describeGraph(sample()));
    expect(mm.startsWith('flowchart BT\n')).toBe(true);
    expect(mm).toMatch(/subgraph n\d+\["protocol chat"\]/);
    expect(mm).toMatch(/---\|"B\[0\]–A"\|/);
    expect(mm.split('\n').filter((l) => l.trim() === 'end')).toHaveLength(1);
  });
});
