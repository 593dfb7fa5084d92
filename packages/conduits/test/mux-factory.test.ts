import {
  ConduitFactory,
  GraphBuilder,
  Mux,
  Scheduler,
  Session,
  UnknownKeyError,
  WiringError,
  type Accessor,
  type Alert,
  type State,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { enc } from './helpers.js';

/** Key = first byte; stamping writes the key back in front. */
const firstByte: Accessor<number> = {
  name: 'first-byte',
  key: (m) => (m.buffer.length > 0 ? (m.buffer.bytes[m.buffer.start] as number) : undefined),
  stamp: (m, key) => {
    m.buffer.prependByte(key);
  },
};

interface Count {
  n: number;
}
/** Per-conversation session: strips the key, counts, echoes back with the count appended. */
const Echo: State<Count> = {
  name: 'echo',
  accept(s, msg) {
    msg.buffer.pull(1);
    s.data.n++;
    msg.buffer.appendByte(s.data.n);
    s.send('A', msg);
  },
};

function build(withFactory = true, limit?: number) {
  const g = new GraphBuilder('mux-test');
  const net = g.add(new ProbeAdaptor('net'));
  const proto = new Session<Count>('echo', {
    initial: Echo,
    data: () => ({ n: 0 }),
    terminal: 'B',
  });
  const mux = g.mux(
    'conversations',
    firstByte,
    withFactory ? { prototype: proto, options: limit ? { limit } : {} } : undefined,
  );
  g.connect(mux.a, net.a);
  const graph = g.build(new Scheduler());
  return { graph, net, mux };
}

describe('Mux and ConduitFactory', () => {
  test('factory clones the prototype on an unknown key, installs it, routes the message back', () => {
    const { graph, net, mux } = build();
    net.write(Uint8Array.of(7, 0x61));
    net.write(Uint8Array.of(9, 0x62));
    net.write(Uint8Array.of(7, 0x63));
    graph.scheduler.run();
    expect(mux.size).toBe(2);
    // The replies are stamped with their key; key 7's session counted 1 then 2 (state is per clone).
    expect(net.take().map((c) => [...c.data])).toEqual([
      [7, 0x61, 1],
      [9, 0x62, 1],
      [7, 0x63, 2],
    ]);
    const f = graph.find('conversations-factory') as ConduitFactory;
    expect(f.created).toBe(2);
  });

  test('clones share configuration, not state', () => {
    const { graph, net, mux } = build();
    net.write(Uint8Array.of(1, 0));
    net.write(Uint8Array.of(2, 0));
    graph.scheduler.run();
    const s1 = mux.lookup(1) as Session<Count>;
    const s2 = mux.lookup(2) as Session<Count>;
    expect(s1).not.toBe(s2);
    expect(s1.data).not.toBe(s2.data);
    expect(s1.state).toBe(s2.state); // States are shared (Singleton)
  });

  test('a mux without factory: unknown key is a typed error naming the mux, the message is dropped, traffic goes on', () => {
    const g = new GraphBuilder('no-factory');
    const net = g.add(new ProbeAdaptor('net'));
    const mux = g.add(new Mux<number>('demux', firstByte));
    g.connect(mux.a, net.a);
    g.route(
      mux,
      1,
      new Session<Count>('one', { initial: Echo, data: () => ({ n: 0 }), terminal: 'B' }),
    );
    const graph = g.build(new Scheduler());
    const alerts: Alert[] = [];
    graph.alerts$.subscribe((a) => alerts.push(a));
    net.write(Uint8Array.of(5, 0));
    net.write(Uint8Array.of(1, 0));
    graph.scheduler.run();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.conduit).toBe('demux');
    expect(alerts[0]!.error).toBeInstanceOf(UnknownKeyError);
    expect((alerts[0]!.error as UnknownKeyError).key).toBe('5');
    expect(net.take()).toHaveLength(1);
  });

  test('messages with no key are dropped and counted', () => {
    const { graph, net } = build();
    net.write(new Uint8Array(0));
    graph.scheduler.run();
    expect(graph.drops.get('no-demux-key')).toBe(1);
  });

  test('factory limit bounds the sessions a flood of new keys can create, with a security alert', () => {
    const { graph, net, mux } = build(true, 3);
    const alerts: Alert[] = [];
    graph.alerts$.subscribe((a) => alerts.push(a));
    for (let k = 0; k < 10; k++) net.write(Uint8Array.of(k, 0));
    graph.scheduler.run();
    expect(mux.size).toBe(3);
    expect(graph.drops.get('factory-limit')).toBe(7);
    expect(alerts.filter((a) => a.kind === 'security')).toHaveLength(7);
  });

  test('admit hook refuses new conversations', () => {
    const g = new GraphBuilder('admit');
    const net = g.add(new ProbeAdaptor('net'));
    const proto = new Session<Count>('echo', {
      initial: Echo,
      data: () => ({ n: 0 }),
      terminal: 'B',
    });
    const mux = g.mux('m', firstByte, {
      prototype: proto,
      options: { admit: (m) => m.buffer.bytes[m.buffer.start] !== 66 },
    });
    g.connect(mux.a, net.a);
    const graph = g.build(new Scheduler());
    net.write(Uint8Array.of(66, 0));
    net.write(Uint8Array.of(67, 0));
    graph.scheduler.run();
    expect(graph.drops.get('factory-refused')).toBe(1);
    expect(mux.size).toBe(1);
  });

  test('remove() disconnects a session; its key goes back to the factory', () => {
    const { graph, net, mux } = build();
    net.write(Uint8Array.of(4, 0));
    graph.scheduler.run();
    const first = mux.lookup(4);
    expect(mux.remove(4)).toBe(first);
    net.write(Uint8Array.of(4, 0));
    graph.scheduler.run();
    expect(mux.lookup(4)).not.toBe(first);
    expect(net.take().map((c) => c.data[2])).toEqual([1, 1]);
  });

  test('a factory that is not on a mux side B[0] is a wiring error naming the factory', () => {
    const g = new GraphBuilder('bad');
    const net = g.add(new ProbeAdaptor('net'));
    const f = g.add(new ConduitFactory('lost-factory', new Session('p', { initial: Echo })));
    g.connect(f.a, net.a);
    const graph = g.build(new Scheduler());
    const alerts: Alert[] = [];
    graph.alerts$.subscribe((a) => alerts.push(a));
    net.write(enc('x'));
    graph.scheduler.run();
    expect(alerts[0]!.error).toBeInstanceOf(WiringError);
    expect(String(alerts[0]!.reason)).toContain('lost-factory');
  });
});
