import { GraphBuilder, Protocol, Scheduler, describeGraph, type Accessor } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { dec, enc, marker } from './helpers.js';

/** A protocol of two marker layers: 0x01 outermost on the wire. */
const twoLayers = (): Protocol =>
  new Protocol('two-layers', (g) => {
    const top = g.session('top', { initial: marker(0x02) });
    const bottom = g.session('bottom', { initial: marker(0x01) });
    g.stack(top, bottom);
    return { a: bottom.a, b: top.b };
  });

describe('Protocol (Proxy)', () => {
  test('delegates its sides to inner conduits: messages cross the inner graph', () => {
    const g = new GraphBuilder('p');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    const p = g.add(twoLayers());
    g.stack(app, p, net);
    const graph = g.build(new Scheduler());
    app.write(enc('x'));
    graph.scheduler.run();
    const wire = net.take();
    expect([...wire[0]!.data]).toEqual([0x01, 0x02, ...enc('x')]);
    net.write(wire[0]!.data);
    graph.scheduler.run();
    expect(dec(app.take()[0]!.data)).toBe('x');
    // Connecting to p.a connected to the inner session's side A.
    expect(p.a.owner.name).toBe('bottom');
    expect(
      graph.conduits
        .filter((c) => c.parent === p)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['bottom', 'top']);
  });

  test('a protocol is a component of a bigger protocol, and its clone builds a fresh inner graph', () => {
    const outer = new Protocol('outer', (g) => {
      const inner = g.add(twoLayers());
      const extra = g.session('extra', { initial: marker(0x03) });
      g.stack(extra, inner);
      return { a: inner.a, b: extra.b };
    });
    const clone = outer.clone() as Protocol;
    expect(clone).not.toBe(outer);
    expect(clone.a).not.toBe(outer.a);
    expect(clone.children.map((c) => c.name).sort()).toEqual(['extra', 'two-layers']);

    const g = new GraphBuilder('nested');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    g.stack(app, clone, net);
    const graph = g.build(new Scheduler());
    app.write(enc('y'));
    graph.scheduler.run();
    expect([...net.take()[0]!.data]).toEqual([1, 2, 3, ...enc('y')]);
    const d = describeGraph(graph);
    const outerNode = d.nodes.find((n) => n.name === 'outer')!;
    const innerNode = d.nodes.find((n) => n.name === 'two-layers')!;
    expect(innerNode.parent).toBe(outerNode.id);
    expect(d.nodes.find((n) => n.name === 'top')!.parent).toBe(innerNode.id);
  });

  test('a factory can clone whole protocols per key', () => {
    const key: Accessor<number> = { name: 'k', key: (m) => m.buffer.bytes[m.buffer.start] };
    const g = new GraphBuilder('per-key');
    const net = g.add(new ProbeAdaptor('net'));
    const proto = new Protocol('conv', (inner) => {
      const s = inner.session('strip', {
        initial: { name: 'strip', accept: (s, m, from) => (m.buffer.pull(1), s.forward(m, from)) },
      });
      const top = inner.add(new ProbeAdaptor('top'));
      inner.stack(top, s);
      return { a: s.a };
    });
    const mux = g.mux('m', key, { prototype: proto });
    g.connect(mux.a, net.a);
    const graph = g.build(new Scheduler());
    net.write(Uint8Array.of(1, 65));
    net.write(Uint8Array.of(2, 66));
    graph.scheduler.run();
    expect(mux.size).toBe(2);
    const tops = graph.conduits.filter((c) => c.name === 'top') as ProbeAdaptor[];
    expect(tops.map((t) => dec(t.take()[0]!.data)).sort()).toEqual(['A', 'B']);
  });
});
