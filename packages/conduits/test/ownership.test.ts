/**
 * Carrier ownership (message.ts): one owner at a time, released exactly once. The suite runs
 * with carrier checks on (test/setup/carrier-checks.ts), so a stale reference is a dead
 * object; the last tests turn them off to show what production still catches.
 */
import {
  disconnect,
  DoubleReleaseError,
  GraphBuilder,
  MessagePool,
  PassThrough,
  ReleasedMessageError,
  Scheduler,
  type Message,
  type State,
} from '@conduits/core';
import {
  ProbeAdaptor,
  liveCarriers,
  setCarrierChecks,
  takeOwnershipErrors,
} from '@conduits/core/testing';
import { dec, enc } from './helpers.js';

describe('carrier ownership', () => {
  test('a stale release does not free the carrier its pool has handed to a new owner', () => {
    const pool = new MessagePool();
    const a = pool.from(enc('a'));
    a.release();
    const b = pool.from(enc('b'));
    let threw = false;
    try {
      a.release(); // a stale holder of the first life
    } catch {
      threw = true;
    }
    const c = pool.from(enc('c'));
    // b is still live and its own: the pool did not hand it out a second time.
    expect(c).not.toBe(b);
    expect(b.released).toBe(false);
    expect(dec(b.buffer.copy())).toBe('b');
    expect(threw).toBe(true);
    b.release();
    c.release();
  });

  test('a handler that sends its message on and then throws does not release it under its new owner', () => {
    // `keeper` holds what arrives from above until `flush`; `fragile` forwards, then throws.
    const held: Message[] = [];
    const Keeper: State = { name: 'keeper', accept: (_s, msg) => void held.push(msg) };
    const Fragile: State = {
      name: 'fragile',
      accept(s, msg, from) {
        s.forward(msg, from);
        throw new TypeError('bug after send');
      },
    };
    const g = new GraphBuilder('g');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    const keeper = g.session('keeper', { initial: Keeper });
    g.stack(app, g.session('fragile', { initial: Fragile }), keeper, net);
    const graph = g.build(new Scheduler());
    app.write(enc('kept'));
    graph.scheduler.run();
    expect(graph.faults).toBe(1);
    expect(held).toHaveLength(1);
    const m = held[0] as Message;
    expect(m.released).toBe(false);
    keeper.send('A', m);
    expect(net.take().map((c) => dec(c.data))).toEqual(['kept']);
  });

  test('a message the scheduler cannot hand to its first conduit (side disconnected at run time) is released', () => {
    const g = new GraphBuilder('g');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    g.stack(app, g.session('p', { initial: PassThrough }), net);
    const graph = g.build(new Scheduler());
    disconnect(net.a);
    net.write(enc('x'));
    graph.scheduler.run();
    expect(graph.faults).toBe(1);
    expect(liveCarriers()).toEqual([]);
  });

  test('with carrier checks, a use after release throws a typed error at the line that does it', () => {
    const pool = new MessagePool();
    const m = pool.from(enc('abc'));
    m.release();
    expect(() => m.buffer.length).toThrow(ReleasedMessageError);
    expect(() => m.buffer.copy()).toThrow(ReleasedMessageError);
    expect(() => m.get({ id: 0, name: 'x', scope: 'stack', codec: undefined })).toThrow(
      ReleasedMessageError,
    );
    expect(() => m.check()).toThrow(ReleasedMessageError);
    expect(() => m.release()).toThrow(DoubleReleaseError);
  });

  test('with carrier checks, each life of a carrier is its own object, one generation on', () => {
    const pool = new MessagePool();
    const a = pool.from(enc('a'));
    const buffer = a.buffer;
    a.release();
    const b = pool.acquire();
    expect(b).not.toBe(a);
    expect(b.buffer).toBe(buffer);
    expect(b.generation).toBe(a.generation + 1);
    expect(pool.created).toBe(1);
    b.release();
  });

  test('a use after release inside a handler fails the test, though the graph isolates the fault', () => {
    const Careless: State = {
      name: 'careless',
      accept(s, msg, from) {
        s.forward(msg, from);
        msg.buffer.prependByte(1); // the probe below already released it
      },
    };
    const g = new GraphBuilder('g');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    g.stack(app, g.session('careless', { initial: Careless }), net);
    const graph = g.build(new Scheduler());
    const alerts: string[] = [];
    graph.alerts$.subscribe((a) => alerts.push(a.reason));
    app.write(enc('x'));
    graph.scheduler.run();
    expect(alerts).toEqual([
      expect.stringMatching(
        /^ReleasedMessageError: message used after release \(generation \d+\)$/,
      ),
    ]);
    // The setup's afterEach would fail this test with that error; take it to show it is kept.
    expect(takeOwnershipErrors().map((e) => e.name)).toEqual(['ReleasedMessageError']);
    net.take();
  });

  test('a carrier never released is reported with where it stopped', () => {
    const g = new GraphBuilder('g');
    const app = g.add(new ProbeAdaptor('app'));
    const net = g.add(new ProbeAdaptor('net'));
    let sunk: Message | undefined;
    g.stack(
      app,
      g.session('sink', { initial: { name: 'sink', accept: (_s, msg) => void (sunk = msg) } }),
      g.session('p', { initial: PassThrough }),
      net,
    );
    const graph = g.build(new Scheduler());
    net.write(enc('lost'));
    graph.scheduler.run();
    expect(liveCarriers()).toEqual([
      expect.stringMatching(/^at session sink, 4 bytes, messenger deliver, generation \d+$/),
    ]);
    // Release it so this test itself leaks nothing.
    sunk?.release();
  });

  test('without carrier checks (production), a double release still throws and carriers are reused in place', () => {
    setCarrierChecks(false);
    try {
      const pool = new MessagePool();
      const a = pool.from(enc('a'));
      a.release();
      expect(() => a.release()).toThrow(DoubleReleaseError);
      const b = pool.acquire();
      expect(b).toBe(a);
      expect(b.generation).toBe(1);
      b.release();
    } finally {
      setCarrierChecks(true);
    }
  });
});
