/**
 * Core benchmarks (issue: the workspace and the conduits core):
 *  - chain-8: a message through 8 pass-through sessions vs 8 plain objects calling next.accept(msg)
 *  - mux-1000: demultiplexing over 1,000 installed sessions
 *  - alloc: heap bytes per message over 1M messages through the carrier loop (scheduler, pool, chain)
 *  - floods (issue 10), heap left behind per million packets after a full GC: a timer set and
 *    cancelled per packet; a new demux key per frame into a mux whose factory holds new keys
 *    half-open (1,024), and with the default options (65,536 conversations, then refusal)
 */
import {
  Adaptor,
  GraphBuilder,
  MessagePool,
  Mux,
  PassThrough,
  Scheduler,
  Session,
  type Accessor,
  type Conduit,
  type Message,
  type Port,
  type State,
} from '../src/index.js';
import { compare, emit, heapCost, heapGrowth, opsPerSecond, round2 } from '../src/bench/measure.js';

/** Counts and keeps messages: the bench reuses one carrier. */
class Sink extends Adaptor {
  count = 0;
  release = false;
  clone(): Conduit {
    return new Sink(this.name);
  }
  deliver(msg: Message, _from: Port): void {
    this.count++;
    if (this.release) msg.release();
  }
}

function chain(length: number) {
  const g = new GraphBuilder('chain');
  const top = g.add(new Sink('top'));
  const bottom = g.add(new Sink('bottom'));
  const layers = Array.from({ length }, (_, i) => g.session(`s${i}`, { initial: PassThrough }));
  g.stack(top, ...layers, bottom);
  const graph = g.build(new Scheduler());
  return { graph, top, bottom, first: layers[0] as Session };
}

// Baseline: the same work as plain objects with a hard-wired next pointer.
class Plain {
  constructor(readonly next: Plain | null) {}
  count = 0;
  accept(msg: Message): void {
    if (this.next === null) this.count++;
    else this.next.accept(msg);
  }
}

function benchChain(): void {
  const { top, bottom } = chain(8);
  const pool = new MessagePool();
  const msg = pool.from(new Uint8Array(64));
  const entry = top.a.peer as Port;
  const viaGraph = (n: number): void => {
    for (let i = 0; i < n; i++) entry.owner.accept(msg, entry);
  };
  let p: Plain = new Plain(null);
  for (let i = 0; i < 8; i++) p = new Plain(p);
  const head = p;
  const plain = (n: number): void => {
    for (let i = 0; i < n; i++) head.accept(msg);
  };
  const [g, b, ratio] = compare(viaGraph, plain, 2_000_000);
  if (bottom.count === 0) throw new Error('chain delivered nothing');
  emit({
    bench: 'chain-8-sessions',
    unit: 'msg/s',
    value: g,
    baseline: '8 plain objects calling next.accept(msg)',
    baselineValue: b,
    ratio: round2(ratio),
    target: 'ratio >= 0.5',
  });
}

const firstU16: Accessor<number> = {
  name: 'u16',
  key: (m) => m.buffer.view.getUint16(m.buffer.start),
};
const Count: State<{ n: number }> = {
  name: 'count',
  accept(s) {
    s.data.n++;
  },
};

function benchMux(): void {
  const g = new GraphBuilder('mux');
  const net = g.add(new Sink('net'));
  const mux = g.add(new Mux<number>('m', firstU16));
  g.connect(mux.a, net.a);
  for (let k = 0; k < 1000; k++)
    g.route(
      mux,
      k,
      new Session<{ n: number }>(`s${k}`, {
        initial: Count,
        data: () => ({ n: 0 }),
        terminal: 'B',
      }),
    );
  g.build(new Scheduler());
  const pool = new MessagePool();
  const msgs = Array.from({ length: 1000 }, (_, k) => {
    const m = pool.acquire();
    m.buffer.view.setUint16(m.buffer.append(64), k);
    return m;
  });
  const entry = net.a.peer as Port;
  const v = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) entry.owner.accept(msgs[i % 1000] as Message, entry);
  }, 2_000_000);
  emit({ bench: 'mux-1000-sessions', unit: 'msg/s', value: v, target: '>= 1000000' });
}

async function benchAlloc(): Promise<void> {
  const pool = new MessagePool();
  const { graph, top, bottom } = chain(8);
  bottom.release = true;
  const payload = new Uint8Array(64);
  const N = 1_000_000;
  // The full carrier loop: acquire from the pool, enqueue at the adaptor, the scheduler runs the chain, the sink releases.
  let sink: Uint8Array | null = null;
  const loop =
    (allocate: boolean) =>
    (n: number): void => {
      for (let i = 0; i < n; i++) {
        const m = pool.acquire();
        m.buffer.appendBytes(payload);
        if (allocate) sink = new Uint8Array(16); // control: a known 16-byte allocation per message
        top.inject(m);
        graph.scheduler.step();
      }
    };
  const control = await heapCost(loop(true), N);
  const real = await heapCost(loop(false), N);
  void sink;
  if (control === undefined || real === undefined) {
    emit({
      bench: 'alloc-per-msg',
      unit: 'B/msg',
      value: Number.NaN,
      note: 'run with node --expose-gc',
    });
    return;
  }
  emit({
    bench: 'alloc-per-msg',
    unit: 'B/msg',
    value: round2(real.perOp),
    messages: N,
    heapDelta: real.heapDelta,
    carriersCreated: pool.created,
    target: '0 amortised',
    control: `a deliberate 16-byte allocation per message reads ${round2(control.perOp)} B/msg`,
  });
}

const Waiting: State = {
  name: 'waiting',
  accept(s, msg) {
    s.setTimer(30_000, 'retransmit'); // a half-open conversation waiting for its peer
    msg.release();
  },
};
const u32: Accessor<number> = {
  name: 'u32',
  key: (m) => (m.buffer.length >= 4 ? m.buffer.view.getUint32(m.buffer.start) : undefined),
};

async function benchFloods(): Promise<void> {
  const N = 1_000_000;
  const note = 'run with node --expose-gc';
  const scheduler = new Scheduler();
  const noop = (): void => {};
  const timers = await heapGrowth(
    (n) => {
      for (let i = 0; i < n; i++) scheduler.cancel(scheduler.after(60_000, noop));
    },
    N,
    1000,
  );
  emit({
    bench: 'cancelled-timer-flood-heap',
    unit: 'B per million packets',
    value: timers?.perMillion ?? Number.NaN,
    limit: 65_536,
    timersLeft: scheduler.timers,
    ...(timers ? {} : { note }),
  });

  for (const [name, options, limit] of [
    ['factory-flood-heap', { halfOpen: 1024 }, 4 * 1024 * 1024],
    ['factory-flood-heap-default', {}, 64 * 1024 * 1024],
  ] as const) {
    const g = new GraphBuilder('flood');
    const net = g.add(new Sink('net'));
    net.release = true;
    const mux = g.mux('m', u32, {
      prototype: new Session('conv', { initial: Waiting, terminal: 'B' }),
      options,
    });
    g.connect(mux.a, net.a);
    const graph = g.build(new Scheduler());
    const pool = new MessagePool();
    const entry = net.a.peer as Port;
    let key = 0;
    const flood = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const m = pool.acquire();
        m.buffer.view.setUint32(m.buffer.append(4), key++);
        entry.owner.accept(m, entry);
      }
    };
    // A short warm-up, so the conversations the flood installs are counted too.
    const grown = await heapGrowth(flood, N, 1000);
    const conversations = mux.size;
    graph.scheduler.runFor(600_001); // two idle sweeps (idleTimeout 5 min): the flood's conversations go
    emit({
      bench: name,
      unit: 'B per million packets',
      value: grown?.perMillion ?? Number.NaN,
      limit,
      conversations,
      conversationsAfterIdle: mux.size,
      evicted: graph.drops.get('factory-evicted-half-open'),
      refused: graph.drops.get('factory-limit'),
      ...(grown ? {} : { note }),
    });
  }
}

benchChain();
benchMux();
await benchAlloc();
await benchFloods();
