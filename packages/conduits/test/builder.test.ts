import {
  DanglingSideError,
  GraphBuilder,
  Mux,
  PassThrough,
  Protocol,
  Scheduler,
  Session,
  SideAlreadyConnectedError,
  WiringError,
  type Accessor,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';

const k: Accessor<number> = { name: 'k', key: () => 1 };

describe('GraphBuilder wiring errors', () => {
  test('a side connected twice names the conduit, the side and its neighbour', () => {
    const g = new GraphBuilder('g');
    const a = g.session('alpha', { initial: PassThrough });
    const b = g.session('beta', { initial: PassThrough });
    const c = g.session('gamma', { initial: PassThrough });
    g.connect(a.a, b.b);
    let err: unknown;
    try {
      g.connect(a.a, c.b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SideAlreadyConnectedError);
    expect(err).toMatchObject({ conduit: 'alpha', side: 'A', connectedTo: 'beta.B' });
  });

  test('a dangling side when the graph is started', () => {
    const g = new GraphBuilder('g');
    const net = g.add(new ProbeAdaptor('net'));
    const s = g.session('lonely', { initial: PassThrough });
    g.connect(s.a, net.a);
    expect(() => g.build()).toThrow(DanglingSideError);
    expect(() => g.build()).toThrow(/side B of lonely/);
  });

  test('a session may declare a terminal side that stays unconnected', () => {
    const g = new GraphBuilder('g');
    const net = g.add(new ProbeAdaptor('net'));
    const s = g.session('sink', { initial: PassThrough, terminal: 'B' });
    g.connect(s.a, net.a);
    expect(() => g.build(new Scheduler())).not.toThrow();
  });

  test('stack refuses an adaptor in the middle, a mux or factory as a lower layer', () => {
    const g = new GraphBuilder('g');
    const s = new Session('s', { initial: PassThrough });
    expect(() =>
      g.stack(s, new ProbeAdaptor('mid'), new Session('t', { initial: PassThrough })),
    ).toThrow(WiringError);
    expect(() => g.stack(new Session('u', { initial: PassThrough }), new Mux('m', k))).toThrow(
      /route\(\) or a factory/,
    );
  });

  test('stack onto a protocol without side B is refused', () => {
    const g = new GraphBuilder('g');
    const p = new Protocol('only-a', (inner) => {
      const s = inner.session('s', { initial: PassThrough, terminal: 'B' });
      return { a: s.a };
    });
    expect(() => g.stack(new Session('x', { initial: PassThrough }), p)).toThrow(
      /delegates no side B/,
    );
  });

  test('sending through a side that is not connected is a typed fault, the message is dropped', () => {
    const g = new GraphBuilder('g');
    const net = g.add(new ProbeAdaptor('net'));
    // Declared terminal on B, but the state forwards up anyway: a programming error caught at runtime.
    const s = g.session('liar', { initial: PassThrough, terminal: 'B' });
    g.connect(s.a, net.a);
    const graph = g.build(new Scheduler());
    const errors: unknown[] = [];
    graph.alerts$.subscribe((a) => errors.push(a.error));
    net.write(Uint8Array.of(1));
    graph.scheduler.run();
    expect(errors[0]).toBeInstanceOf(DanglingSideError);
    expect(errors[0]).toMatchObject({ conduit: 'liar', side: 'B' });
    expect(graph.drops.get('handler-threw', 'liar')).toBe(1);
  });
});
