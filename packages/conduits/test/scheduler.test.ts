import { RealClock, Scheduler, VirtualClock } from '@conduits/core';

describe('Scheduler (the carrier loop)', () => {
  test('queued tasks run FIFO, each to completion, before time moves', () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.after(0, () => log.push('timer@0'));
    s.defer(() => {
      log.push('a');
      s.defer(() => log.push('c'));
    });
    s.defer(() => log.push('b'));
    s.run();
    expect(log).toEqual(['a', 'b', 'c', 'timer@0']);
  });

  test('timers fire in time order, equal times in the order set, on virtual time', () => {
    const s = new Scheduler(new VirtualClock(1000));
    const log: [string, number][] = [];
    s.after(50, () => log.push(['x', s.now()]));
    s.after(10, () => log.push(['y', s.now()]));
    s.at(1050, () => log.push(['z', s.now()]));
    s.run();
    expect(log).toEqual([
      ['y', 1010],
      ['x', 1050],
      ['z', 1050],
    ]);
  });

  test('a 30-second timeout on virtual time costs no real time', () => {
    const s = new Scheduler();
    let fired = false;
    s.after(30_000, () => (fired = true));
    const ran = s.run();
    expect(fired).toBe(true);
    expect(s.now()).toBe(30_000);
    expect(ran).toBe(1);
  });

  test('periodic timers repeat until cancelled; run(until) stops the clock there', () => {
    const s = new Scheduler();
    const ticks: number[] = [];
    const t = s.every(100, () => {
      ticks.push(s.now());
      if (ticks.length === 3) s.cancel(t);
    });
    s.run(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(s.now()).toBe(1000);
  });

  test("an unref'd periodic timer does not keep an unbounded run() alive, but runs while other work exists", () => {
    const s = new Scheduler();
    const ticks: number[] = [];
    s.unref(s.every(100, () => ticks.push(s.now())));
    s.after(350, () => undefined);
    expect(() => s.run()).not.toThrow();
    expect(ticks).toEqual([100, 200, 300]);
    s.run(1000);
    expect(ticks).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  test('runFor advances by a span, leaving later timers pending', () => {
    const s = new Scheduler();
    const log: number[] = [];
    s.after(10, () => log.push(10));
    s.after(500, () => log.push(500));
    s.runFor(100);
    expect(log).toEqual([10]);
    expect(s.now()).toBe(100);
    s.runFor(1000);
    expect(log).toEqual([10, 500]);
  });

  test('cancelled timers never fire', () => {
    const s = new Scheduler();
    const t = s.after(5, () => {
      throw new Error('cancelled timer fired');
    });
    s.cancel(t);
    s.run();
    expect(s.faultCount).toBe(0);
  });

  test('a task that throws is reported and the loop goes on', () => {
    const s = new Scheduler();
    const faults: unknown[] = [];
    s.faults$.subscribe((f) => faults.push(f.error));
    const log: string[] = [];
    s.defer(() => {
      throw new Error('boom');
    });
    s.defer(() => log.push('after'));
    s.after(1, () => {
      throw new Error('timer boom');
    });
    s.after(2, () => log.push('timer after'));
    s.run();
    expect(log).toEqual(['after', 'timer after']);
    expect(faults).toHaveLength(2);
  });

  test('the queue grows past its initial size without losing order', () => {
    const s = new Scheduler();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) s.defer(() => out.push(i));
    s.run();
    expect(out).toHaveLength(5000);
    expect(out.every((v, i) => v === i)).toBe(true);
  });

  test('the same run twice gives the same order (determinism)', () => {
    const trace = (): string[] => {
      const s = new Scheduler();
      const log: string[] = [];
      for (let i = 0; i < 20; i++) s.after((i * 7) % 5, () => log.push(`t${i}@${s.now()}`));
      s.run();
      return log;
    };
    expect(trace()).toEqual(trace());
  });

  test('with a real clock, start() drives queue and timers from the event loop', async () => {
    const s = new Scheduler(new RealClock());
    const log: string[] = [];
    const done = new Promise<void>((resolve) => {
      s.after(5, () => {
        log.push('timer');
        resolve();
      });
    });
    s.defer(() => log.push('task'));
    s.start();
    await done;
    s.stop();
    expect(log).toEqual(['task', 'timer']);
    expect(() => s.run()).toThrow(/virtual/);
  });
});
