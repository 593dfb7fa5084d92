/**
 * A flood of new keys (issue 10): garbage frames each make the factory install a conversation.
 * Idle conversations expire, their conduits leave the graph, and a factory can keep new keys
 * half-open (bounded, the oldest evicted) until the conversation authenticates.
 */
import {
  GraphBuilder,
  Protocol,
  Scheduler,
  type Accessor,
  type Alert,
  type State,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';

/** Key = first four bytes. */
const key32: Accessor<number> = {
  name: 'u32',
  key: (m) => (m.buffer.length >= 4 ? m.buffer.view.getUint32(m.buffer.start) : undefined),
};
const frame = (k: number, b: number): Uint8Array =>
  Uint8Array.of(k >>> 24, (k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff, b);

/** A conversation: byte 1 = "authenticated" (it then asks the mux to admit it); anything else is kept waiting. */
const Conversation: State<{ n: number }> = {
  name: 'conversation',
  accept(s, msg) {
    s.data.n++;
    if (msg.buffer.bytes[msg.buffer.start + 4] === 1) s.admitted();
    s.setTimer(10_000, 'retry');
    msg.release();
  },
};

function conversation(): Protocol {
  return new Protocol('conv', (inner) => {
    const s = inner.session('c', { initial: Conversation, data: () => ({ n: 0 }), terminal: 'B' });
    return { a: s.a };
  });
}

function build(options: { limit?: number; idleTimeout?: number; halfOpen?: number } = {}) {
  const g = new GraphBuilder('flood');
  const net = g.add(new ProbeAdaptor('net'));
  const mux = g.mux('m', key32, { prototype: conversation(), options });
  g.connect(mux.a, net.a);
  const graph = g.build(new Scheduler());
  const alerts: Alert[] = [];
  graph.alerts$.subscribe((a) => alerts.push(a));
  return { graph, net, mux, alerts };
}

describe('factory floods', () => {
  test('65,536 garbage keys fill the mux; idle conversations expire (default 5 min) and new keys are served again', () => {
    const { graph, net, mux } = build();
    const before = graph.conduits.length;
    for (let k = 0; k < 65_536; k++) net.write(frame(k, 0));
    graph.scheduler.runFor(1);
    expect(mux.size).toBe(65_536);
    // A flood beyond the limit is refused while it lasts...
    net.write(frame(1 << 20, 0));
    graph.scheduler.runFor(1);
    expect(graph.drops.get('factory-limit')).toBe(1);
    // ...but the idle conversations go (their timers with them), and the graph is as small as before.
    graph.scheduler.runFor(600_001);
    expect(mux.size).toBe(0);
    expect(graph.conduits.length).toBe(before);
    expect(graph.scheduler.timers).toBeLessThanOrEqual(1);
    net.write(frame(7, 0));
    graph.scheduler.runFor(1);
    expect(mux.size).toBe(1);
  });

  test('a conversation with traffic is not idle', () => {
    const { graph, net, mux } = build({ idleTimeout: 1000 });
    for (let t = 0; t < 10; t++) {
      net.write(frame(1, 0));
      graph.scheduler.runFor(600);
    }
    expect(mux.size).toBe(1);
    graph.scheduler.runFor(2001);
    expect(mux.size).toBe(0);
  });

  test('half-open keys are bounded: the oldest is evicted, admitted conversations stay, legitimate keys still get in', () => {
    const { graph, net, mux, alerts } = build({ halfOpen: 100 });
    net.write(frame(5, 1)); // authenticates: admitted
    graph.scheduler.runFor(1);
    for (let k = 1000; k < 11_000; k++) net.write(frame(k, 0));
    graph.scheduler.runFor(1);
    expect(mux.size).toBe(101);
    expect(mux.halfOpen).toBe(100);
    expect(mux.lookup(5)).toBeDefined();
    expect(mux.lookup(1000)).toBeUndefined();
    expect(mux.lookup(10_999)).toBeDefined();
    expect(graph.drops.get('factory-evicted-half-open')).toBe(9_900);
    expect(
      alerts.some((a) => a.kind === 'security' && a.reason === 'factory-evicted-half-open'),
    ).toBe(true);
    // Evicted conversations leave the graph with their timers.
    expect(graph.scheduler.timers).toBeLessThanOrEqual(101 + 1);
    net.write(frame(6, 0));
    net.write(frame(6, 1));
    graph.scheduler.runFor(1);
    expect(mux.lookup(6)?.parent?.children).toHaveLength(1);
    expect(mux.halfOpen).toBe(99); // key 6 took the place of the oldest, then was admitted
  });

  test('at the limit a new key evicts the oldest half-open conversation instead of being refused', () => {
    const { graph, net, mux } = build({ limit: 10, halfOpen: 10 });
    for (let k = 0; k < 50; k++) net.write(frame(k, 0));
    graph.scheduler.runFor(1);
    expect(mux.size).toBe(10);
    expect(graph.drops.get('factory-limit')).toBe(0);
    expect([...mux.keys()]).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });
});
