import {
  GraphBuilder,
  MessagePool,
  PassThrough,
  Scheduler,
  type Alert,
  type Hop,
  type State,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { dec, enc } from './helpers.js';

/** Throws on messages starting with '!': a buggy protocol handler. */
const Fragile: State = {
  name: 'fragile',
  accept(s, msg, from) {
    if (msg.buffer.bytes[msg.buffer.start] === 0x21) throw new TypeError('cannot parse');
    s.forward(msg, from);
  },
};

function build(pool: MessagePool) {
  const g = new GraphBuilder('robust');
  const app = g.add(new ProbeAdaptor('app', pool));
  const net = g.add(new ProbeAdaptor('net', pool));
  g.stack(
    app,
    g.session('upper', { initial: PassThrough }),
    g.session('fragile', { initial: Fragile }),
    g.session('lower', { initial: PassThrough }),
    net,
  );
  return { graph: g.build(new Scheduler()), app, net };
}

describe('a handler that throws', () => {
  test('loses only its message: counted, alerted with conduit and side, the rest keeps flowing', () => {
    const pool = new MessagePool();
    const { graph, app, net } = build(pool);
    const alerts: Alert[] = [];
    graph.alerts$.subscribe((a) => alerts.push(a));
    for (const w of ['one', '!bad', 'two', '!worse', 'three']) net.write(enc(w));
    graph.scheduler.run();
    expect(app.take().map((c) => dec(c.data))).toEqual(['one', 'two', 'three']);
    expect(graph.drops.get('handler-threw', 'fragile')).toBe(2);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      kind: 'fault',
      conduit: 'fragile',
      side: 'A',
      reason: 'TypeError: cannot parse',
    });
    // The dropped carriers went back to the pool: nothing leaked.
    expect(pool.idle).toBe(pool.created);
  });

  test('the trace stream shows each hop only while observed', () => {
    const { graph, app, net } = build(new MessagePool());
    const hops: Hop[] = [];
    const sub = graph.trace$.subscribe((h) => hops.push(h));
    app.write(enc('x'));
    graph.scheduler.run();
    expect(hops.map((h) => `${h.from} -> ${h.to}`)).toEqual([
      'app.A -> upper.B',
      'upper.A -> fragile.B',
      'fragile.A -> lower.B',
      'lower.A -> net.A',
    ]);
    sub.unsubscribe();
    expect(graph.tracing).toBe(false);
    app.write(enc('y'));
    graph.scheduler.run();
    expect(hops).toHaveLength(4);
    expect(net.take()).toHaveLength(2);
  });

  test('steady traffic allocates no new carriers (pool reuse)', () => {
    const pool = new MessagePool();
    const { graph, app, net } = build(pool);
    for (let i = 0; i < 100; i++) {
      app.write(enc('ping'));
      graph.scheduler.run();
      net.take();
    }
    expect(pool.created).toBe(1);
  });
});
