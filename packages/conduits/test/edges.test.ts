/**
 * rxjs edges are isolated like handlers (issue 10): a subscriber that throws is counted and
 * raised as a fault; the graph goes on. Without this, rxjs rethrows the error from a timer and
 * the process dies of an uncaught exception.
 */
import { GraphBuilder, Scheduler, type Alert, type State } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { config } from 'rxjs';
import { filter, map } from 'rxjs/operators';

/** What rxjs would have thrown at the process (collected instead, so the test can see it). */
const escaped: unknown[] = [];
beforeAll(() => {
  config.onUnhandledError = (e) => escaped.push(e);
});
afterAll(() => {
  config.onUnhandledError = null;
});
/** rxjs reports a subscriber's error from a timer: give it the chance to. */
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const Drops: State = {
  name: 'drops',
  accept(s, msg) {
    s.drop(msg, 'test-drop', true);
  },
};

function build() {
  const g = new GraphBuilder('edges');
  const net = g.add(new ProbeAdaptor('net'));
  const s = g.session('s', { initial: Drops, terminal: 'B' });
  g.connect(s.a, net.a);
  return { graph: g.build(new Scheduler()), net };
}

describe('edges survive throwing subscribers', () => {
  beforeEach(() => void (escaped.length = 0));

  test('a throwing alerts$ subscriber: counted, raised as a fault to the others, the graph goes on', async () => {
    const { graph, net } = build();
    const seen: Alert[] = [];
    graph.alerts$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    graph.alerts$.subscribe((a) => seen.push(a));
    net.write(Uint8Array.of(1));
    net.write(Uint8Array.of(2));
    graph.scheduler.run();
    await flush();
    expect(escaped).toEqual([]);
    expect(seen.filter((a) => a.kind === 'security')).toHaveLength(2);
    const faults = seen.filter((a) => a.kind === 'fault');
    // Each throw is one fault; the throwing subscriber also throws on the fault alerts, which are only counted.
    expect(faults.length).toBe(2);
    expect(faults[0]!.reason).toContain('subscriber bug');
    expect(faults[0]!.conduit).toBe('alerts$');
    expect(graph.faults).toBeGreaterThanOrEqual(2);
    expect(graph.drops.get('test-drop')).toBe(2);
  });

  test('a throwing subscriber behind operators is isolated too', async () => {
    const { graph, net } = build();
    const seen: Alert[] = [];
    graph.alerts$
      .pipe(
        filter((a) => a.kind === 'security'),
        map((a) => a.reason),
      )
      .subscribe(() => {
        throw new Error('piped bug');
      });
    graph.alerts$.subscribe((a) => seen.push(a));
    net.write(Uint8Array.of(1));
    graph.scheduler.run();
    await flush();
    expect(escaped).toEqual([]);
    expect(seen.some((a) => a.kind === 'fault' && a.reason.includes('piped bug'))).toBe(true);
  });

  test('a throwing scheduler faults$ subscriber is counted; the loop goes on', async () => {
    const s = new Scheduler();
    s.faults$.subscribe(() => {
      throw new Error('faults bug');
    });
    let ran = 0;
    s.defer(() => {
      throw new Error('task bug');
    });
    s.defer(() => ran++);
    s.run();
    await flush();
    expect(escaped).toEqual([]);
    expect(ran).toBe(1);
    // The task's throw, the subscriber's throw on its report, and again on the report about itself.
    expect(s.faultCount).toBe(3);
  });
});
