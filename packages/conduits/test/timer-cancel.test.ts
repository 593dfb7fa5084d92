/** Cancelled timers leave the heap at once; removing or closing a session cancels its timers (issue 10). */
import { GraphBuilder, Mux, Scheduler, Session, type Accessor, type State } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';

describe('cancelled timers', () => {
  test('500k set-and-cancelled timers leave nothing in the heap', () => {
    const s = new Scheduler();
    for (let i = 0; i < 500_000; i++) s.cancel(s.after(60_000 + i, () => {}));
    expect(s.timers).toBe(0);
  });

  test('cancelling from the middle keeps the order of the rest', () => {
    const s = new Scheduler();
    const log: number[] = [];
    const timers = Array.from({ length: 200 }, (_, i) =>
      s.after((i * 37) % 101, () => log.push(i)),
    );
    for (let i = 0; i < 200; i += 3) s.cancel(timers[i]);
    expect(s.timers).toBe(200 - 67);
    s.run();
    const expected = [...Array(200).keys()]
      .filter((i) => i % 3 !== 0)
      .sort((x, y) => ((x * 37) % 101) - ((y * 37) % 101) || x - y);
    expect(log).toEqual(expected);
    expect(s.timers).toBe(0);
  });

  test('a cancelled periodic timer leaves too, and cancelling twice is harmless', () => {
    const s = new Scheduler();
    let n = 0;
    const t = s.every(10, () => n++);
    s.runFor(35);
    s.cancel(t);
    s.cancel(t);
    expect(s.timers).toBe(0);
    s.runFor(100);
    expect(n).toBe(3);
  });
});

const Waits: State = {
  name: 'waits',
  accept(s, msg) {
    s.setTimer(30_000, 'retransmit');
    msg.release();
  },
  timeout() {
    fired++;
  },
};
let fired = 0;
const firstByte: Accessor<number> = { name: 'b0', key: (m) => m.buffer.bytes[m.buffer.start] };

describe('sessions cancel their timers when they go', () => {
  test("Mux.remove cancels the removed session's timers", () => {
    fired = 0;
    const g = new GraphBuilder('t');
    const net = g.add(new ProbeAdaptor('net'));
    const mux = g.add(new Mux<number>('m', firstByte));
    g.connect(mux.a, net.a);
    g.route(mux, 1, new Session('s1', { initial: Waits, terminal: 'B' }));
    const graph = g.build(new Scheduler());
    net.write(Uint8Array.of(1));
    graph.scheduler.runFor(1);
    expect(graph.scheduler.timers).toBe(1);
    mux.remove(1);
    expect(graph.scheduler.timers).toBe(0);
    graph.scheduler.run(100_000);
    expect(fired).toBe(0);
  });

  test('Session.close cancels and removes its timers', () => {
    const g = new GraphBuilder('t');
    const net = g.add(new ProbeAdaptor('net'));
    const s = g.session('s', { initial: Waits, terminal: 'B' });
    g.connect(s.a, net.a);
    const graph = g.build(new Scheduler());
    for (let i = 0; i < 3; i++) s.setTimer(1000 * (i + 1), `t${i}`);
    expect(graph.scheduler.timers).toBe(3);
    s.close();
    expect(graph.scheduler.timers).toBe(0);
  });
});
