/**
 * The task host on its own: a toy request/response protocol between two hosts on one virtual
 * clock, stepped one message at a time.
 */
import {
  done,
  failed,
  later,
  needMore,
  refused,
  RetransmitLimitError,
  RetransmitPolicyError,
  Scheduler,
  TaskHost,
  TaskHostClosedError,
  TaskRejectedError,
  waiting,
  type BuildResult,
  type ProcessResult,
  type Task,
  type TaskError,
  type TaskOwner,
  type TaskWire,
} from '@conduits/core';

/** A toy message: exchange id, step, and a word. */
class Msg {
  step = 0;
  word = '';
  released = false;
  discarded = false;
  constructor(readonly exchange: number) {}
}
const PING = 1;
const PONG = 2;
const MORE = 3;

/** A wire that records what it sends, with the virtual time, and hands it to `deliver` after `delay` ms (or loses it). */
class ToyWire implements TaskWire<Msg, Msg> {
  readonly sent: { time: number; step: number; word: string; msg: Msg }[] = [];
  deliver: ((m: Msg) => void) | null = null;
  lose = false;
  constructor(
    readonly scheduler: Scheduler,
    readonly delay = 5,
  ) {}
  exchangeOf(m: Msg): number {
    return m.exchange;
  }
  stepOf(m: Msg): number {
    return m.step;
  }
  create(exchange: number): Msg {
    return new Msg(exchange);
  }
  send(m: Msg): void {
    this.sent.push({ time: this.scheduler.now(), step: m.step, word: m.word, msg: m });
    const to = this.deliver;
    if (to !== null && !this.lose) this.scheduler.after(this.delay, () => to(m));
  }
  release(m: Msg): void {
    m.released = true;
  }
  discard(m: Msg): void {
    m.discarded = true;
  }
}

class Owner implements TaskOwner<Msg, Msg> {
  readonly log: string[] = [];
  readonly errors: TaskError[] = [];
  completed(task: Task<Msg, Msg>, exchange: number): void {
    this.log.push(`completed ${task.kind} ${exchange}`);
  }
  failed(task: Task<Msg, Msg>, error: TaskError, exchange: number): void {
    this.log.push(`failed ${task.kind} ${exchange}`);
    this.errors.push(error);
  }
  refused(msg: Msg, reason: string): void {
    this.log.push(`refused ${msg.word}: ${reason}`);
  }
}

/** PING → PONG. */
class Pinger implements Task<Msg, Msg> {
  readonly kind = 'pinger';
  processed = 0;
  destroyed = false;
  build(out: Msg): BuildResult {
    out.step = PING;
    out.word = 'ping';
    return needMore;
  }
  process(m: Msg): ProcessResult {
    this.processed++;
    if (m.step !== PONG) return refused('unexpected');
    if (m.word !== 'pong') return refused('not-pong');
    return done;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

class Ponger implements Task<Msg, Msg> {
  readonly kind = 'ponger';
  processed = 0;
  destroyed = false;
  process(m: Msg): ProcessResult {
    this.processed++;
    return m.step === PING ? needMore : refused('unexpected');
  }
  build(out: Msg): BuildResult {
    out.step = PONG;
    out.word = 'pong';
    return done;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function toy(options: ConstructorParameters<typeof TaskHost>[3] = {}) {
  const scheduler = new Scheduler();
  const aWire = new ToyWire(scheduler);
  const bWire = new ToyWire(scheduler);
  const aOwner = new Owner();
  const bOwner = new Owner();
  const a = new TaskHost<Msg, Msg>(scheduler, aWire, aOwner, { name: 'a', ...options });
  const b = new TaskHost<Msg, Msg>(scheduler, bWire, bOwner, { name: 'b', ...options });
  const tasks: Ponger[] = [];
  const receipts: string[] = [];
  // B answers a new exchange with a fresh responder task; A only receives.
  aWire.deliver = (m) =>
    void receipts.push(
      `b:${b.receive(m) === 'ahead' ? b.respond(push(tasks, new Ponger()), m) : 'dup'}`,
    );
  bWire.deliver = (m) => void receipts.push(`a:${a.receive(m)}`);
  return { scheduler, a, b, aWire, bWire, aOwner, bOwner, tasks, receipts };
}
function push<T>(list: T[], t: T): T {
  list.push(t);
  return t;
}

describe('TaskHost', () => {
  test('/* PING --> */ /* <-- PONG */: one round trip, both sides done, tasks destroyed, no timer left', () => {
    const t = toy();
    const ping = new Pinger();
    t.a.initiate(ping, 1);
    expect(t.a.waiting).toBe(true);
    t.scheduler.run();
    expect(t.aOwner.log).toEqual(['completed pinger 1']);
    expect(t.bOwner.log).toEqual(['completed ponger 1']);
    expect(t.aWire.sent.map((s) => s.word)).toEqual(['ping']);
    expect(t.bWire.sent.map((s) => s.word)).toEqual(['pong']);
    expect(ping.destroyed && t.tasks[0]!.destroyed).toBe(true);
    expect(t.a.waiting || t.b.waiting).toBe(false);
    expect(t.scheduler.run()).toBe(0);
  });

  test('retransmission: 200 ms doubling, six transmissions, then RetransmitLimitError one timeout after the last', () => {
    const t = toy();
    t.aWire.lose = true;
    const ping = new Pinger();
    t.a.initiate(ping, 7);
    t.scheduler.run();
    expect(t.aWire.sent.map((s) => s.time)).toEqual([0, 200, 600, 1400, 3000, 6200]);
    // The same message object each time: a retransmission is not rebuilt.
    expect(new Set(t.aWire.sent.map((s) => s.msg)).size).toBe(1);
    expect(t.scheduler.now()).toBe(12_600);
    expect(t.aOwner.log).toEqual(['failed pinger 7']);
    const e = t.aOwner.errors[0];
    expect(e).toBeInstanceOf(RetransmitLimitError);
    expect(e).toMatchObject({ task: 'pinger', tries: 6, exchange: 7 });
    expect(ping.destroyed).toBe(true);
    expect(t.a.task).toBeNull();
    expect(t.a.stats).toMatchObject({ sent: 6, retransmitted: 5 });
  });

  test('backoff factor and cap come from the policy', () => {
    const t = toy({ timeout: 100, tries: 5, backoff: 3, maxTimeout: 500 });
    t.aWire.lose = true;
    t.a.initiate(new Pinger(), 1);
    t.scheduler.run();
    expect(t.aWire.sent.map((s) => s.time)).toEqual([0, 100, 400, 900, 1400]);
    expect(t.scheduler.now()).toBe(1900);
    expect(t.a.policy).toEqual({ timeout: 100, tries: 5, backoff: 3, maxTimeout: 500 });
  });

  test('a retransmission answered late still completes; the answer stops the timer', () => {
    const t = toy();
    let n = 0;
    const deliver = t.aWire.deliver!;
    // The first two PINGs are lost.
    t.aWire.deliver = (m) => void (n++ >= 2 && deliver(m));
    t.a.initiate(new Pinger(), 1);
    t.scheduler.run();
    expect(t.aWire.sent.map((s) => s.time)).toEqual([0, 200, 600]);
    expect(t.aOwner.log).toEqual(['completed pinger 1']);
    expect(t.scheduler.run()).toBe(0);
  });

  test('a duplicate request is answered from the stored reply without the task seeing it', () => {
    const t = toy();
    t.a.initiate(new Pinger(), 1);
    t.scheduler.run();
    const ping = t.aWire.sent[0]!.msg;
    // The network delivers the PING twice more (or A retransmitted because the PONG was slow).
    expect(t.b.receive(ping)).toBe('answered');
    expect(t.b.receive(ping)).toBe('answered');
    expect(t.tasks).toHaveLength(1);
    expect(t.tasks[0]!.processed).toBe(1);
    expect(t.bWire.sent.map((s) => s.word)).toEqual(['pong', 'pong', 'pong']);
    expect(new Set(t.bWire.sent.map((s) => s.msg)).size).toBe(1);
    expect(t.b.stats.answered).toBe(2);
    // At A the duplicate PONGs are answered with nothing (its last step sent nothing) and not shown to the task.
    t.scheduler.run();
    expect(t.receipts.filter((r) => r.startsWith('a:'))).toEqual([
      'a:processed',
      'a:answered',
      'a:answered',
    ]);
    expect(t.aWire.sent).toHaveLength(1);
  });

  test('a refused message leaves the exchange going: the retransmission and the genuine answer still come', () => {
    const t = toy();
    const ping = new Pinger();
    t.a.initiate(ping, 1);
    const forged = new Msg(1);
    forged.step = PONG;
    forged.word = 'forged';
    expect(t.a.receive(forged)).toBe('refused');
    expect(t.a.lastRefusal).toEqual({ kind: 'refused', reason: 'not-pong' });
    expect(t.a.task).toBe(ping);
    t.scheduler.run();
    expect(t.aOwner.log).toEqual(['completed pinger 1']);
  });

  test('stale, ahead, idle: messages of other exchanges are told apart and never reach a task', () => {
    const t = toy();
    t.a.initiate(new Pinger(), 5);
    expect(t.a.receive(new Msg(4))).toBe('stale');
    expect(t.a.receive(new Msg(6))).toBe('ahead');
    t.scheduler.run();
    const pong = new Msg(5);
    pong.step = MORE;
    expect(t.a.receive(pong)).toBe('stale');
    const b2 = new TaskHost<Msg, Msg>(t.scheduler, new ToyWire(t.scheduler), new Owner());
    expect(b2.receive(new Msg(-1))).toBe('idle');
  });

  test('a task that fails on a message ends the exchange with its own error', () => {
    const t = toy();
    class Picky extends Pinger {
      override process(): ProcessResult {
        return failed(new TaskRejectedError('picky', 'no-thanks'));
      }
    }
    t.a.initiate(new Picky(), 1);
    t.scheduler.run();
    expect(t.aOwner.log).toEqual(['failed pinger 1']);
    expect(t.aOwner.errors[0]).toMatchObject({ name: 'TaskRejectedError', reason: 'no-thanks' });
    expect(t.a.waiting).toBe(false);
  });

  describe('buffering between rounds', () => {
    /** Waits for steps 1, 2 and 3 of its exchange, in that order; answers after the third. */
    class Collector implements Task<Msg, Msg> {
      readonly kind = 'collector';
      readonly order: string[] = [];
      #next = 1;
      build(out: Msg): BuildResult {
        out.step = 9;
        out.word = this.order.join('');
        return this.#next > 3 ? done : waiting;
      }
      process(m: Msg): ProcessResult {
        if (m.step > this.#next) return later;
        if (m.step < this.#next) return refused('old-round');
        this.order.push(m.word);
        this.#next++;
        return this.#next > 3 ? needMore : waiting;
      }
    }
    const msg = (exchange: number, step: number, word: string): Msg =>
      Object.assign(new Msg(exchange), { step, word });

    test('messages of later rounds are held and offered again, in order, once their round comes', () => {
      const scheduler = new Scheduler();
      const wire = new ToyWire(scheduler);
      const owner = new Owner();
      const host = new TaskHost<Msg, Msg>(scheduler, wire, owner);
      const c = new Collector();
      host.initiate(c, 1);
      const third = msg(1, 3, 'c');
      expect(host.receive(third)).toBe('held');
      expect(host.receive(msg(1, 2, 'b'))).toBe('held');
      expect(host.held).toBe(2);
      expect(c.order).toEqual([]);
      expect(host.receive(msg(1, 1, 'a'))).toBe('processed');
      expect(c.order).toEqual(['a', 'b', 'c']);
      expect(wire.sent.map((s) => s.word)).toEqual(['abc']);
      expect(owner.log).toEqual(['completed collector 1']);
      expect(host.held).toBe(0);
      expect(third.released).toBe(true);
    });

    test('a message of a later exchange is held by the owner until that exchange starts here', () => {
      const scheduler = new Scheduler();
      const wire = new ToyWire(scheduler);
      const host = new TaskHost<Msg, Msg>(scheduler, wire, new Owner());
      host.initiate(new Collector(), 1);
      const early = msg(2, 1, 'x');
      expect(host.receive(early)).toBe('ahead');
      expect(host.hold(early)).toBe('held');
      const next = new Collector();
      host.initiate(next, 2);
      expect(next.order).toEqual(['x']);
      expect(early.released).toBe(true);
    });

    test('the hold is bounded: beyond the limit the oldest is let go', () => {
      const scheduler = new Scheduler();
      const host = new TaskHost<Msg, Msg>(scheduler, new ToyWire(scheduler), new Owner(), {
        holdLimit: 2,
      });
      host.initiate(new Collector(), 1);
      const held = [msg(1, 2, 'a'), msg(1, 3, 'b'), msg(1, 3, 'c')];
      for (const m of held) host.receive(m);
      expect(host.held).toBe(2);
      expect(held.map((m) => m.released)).toEqual([true, false, false]);
      expect(host.stats.holdDropped).toBe(1);
    });
  });

  describe('close', () => {
    test('cancels every timer: nothing is sent and no owner is told after close(); held and stored messages are given back', () => {
      const t = toy();
      t.aWire.lose = true;
      const ping = new Pinger();
      t.a.initiate(ping, 1);
      const early = new Msg(2);
      t.a.hold(early);
      t.scheduler.runFor(250);
      expect(t.aWire.sent).toHaveLength(2);
      t.a.close();
      expect(t.scheduler.run()).toBe(0);
      expect(t.aWire.sent).toHaveLength(2);
      expect(t.aOwner.log).toEqual([]);
      expect(ping.destroyed).toBe(true);
      expect(early.released).toBe(true);
      expect(t.aWire.sent[0]!.msg.discarded).toBe(true);
      expect(t.a.receive(new Msg(1))).toBe('closed');
      expect(() => t.a.initiate(new Pinger(), 2)).toThrow(TaskHostClosedError);
      t.a.close();
    });

    test('a responder closed while its reply waits for the next step retransmits nothing', () => {
      const scheduler = new Scheduler();
      const wire = new ToyWire(scheduler);
      const host = new TaskHost<Msg, Msg>(scheduler, wire, new Owner());
      class Echo extends Ponger {
        override build(out: Msg): BuildResult {
          super.build(out);
          return needMore;
        }
      }
      host.respond(new Echo(), Object.assign(new Msg(1), { step: PING }));
      expect(wire.sent).toHaveLength(1);
      host.close();
      scheduler.run();
      expect(wire.sent).toHaveLength(1);
    });
  });

  test.each([
    ['timeout', { timeout: Number.NaN }],
    ['timeout', { timeout: 0 }],
    ['tries', { tries: Number.POSITIVE_INFINITY }],
    ['tries', { tries: 0 }],
    ['backoff', { backoff: 0.5 }],
    ['maxTimeout', { maxTimeout: -1 }],
  ])('a policy whose %s would loop forever or never wait is refused (%p)', (field, policy) => {
    const scheduler = new Scheduler();
    expect(
      () => new TaskHost<Msg, Msg>(scheduler, new ToyWire(scheduler), new Owner(), policy),
    ).toThrow(RetransmitPolicyError);
    try {
      new TaskHost<Msg, Msg>(scheduler, new ToyWire(scheduler), new Owner(), policy);
    } catch (e) {
      expect((e as RetransmitPolicyError).field).toBe(field);
    }
  });
});
