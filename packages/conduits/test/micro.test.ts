import {
  CompositeProtocol,
  EventRuntime,
  Scheduler,
  defineEvent,
  msgFromAbove,
  msgFromBelow,
  sharedKey,
  type Message,
  type MicroProtocol,
} from '@conduits/core';
import { embed } from '@conduits/core/testing';
import { dec, enc } from './helpers.js';

const ping = defineEvent<string[]>('ping');
const pong = defineEvent<string[]>('pong', 'descending');

describe('EventRuntime (Cactus)', () => {
  test('handlers run by order, ties in bind order, with static args', () => {
    const rt = new EventRuntime();
    rt.bind(ping, (log, tag) => log.push(`b${tag}`), 20, 1);
    rt.bind(ping, (log, tag) => log.push(`a${tag}`), 10, 2);
    rt.bind(ping, (log, tag) => log.push(`c${tag}`), 20, 3);
    const log: string[] = [];
    expect(rt.raise(ping, log)).toBe(true);
    expect(log).toEqual(['a2', 'b1', 'c3']);
  });

  test('descending events (receivers) run handlers in reverse order', () => {
    const rt = new EventRuntime();
    for (const o of [1, 2, 3]) rt.bind(pong, (log) => log.push(`h${o}`), o, null);
    const log: string[] = [];
    rt.raise(pong, log);
    expect(log).toEqual(['h3', 'h2', 'h1']);
    expect(rt.handlers(pong).map((h) => h.split('@')[1])).toEqual(['3', '2', '1']);
  });

  test('stop halts the remaining handlers of that event only', () => {
    const rt = new EventRuntime();
    const log: string[] = [];
    rt.bind(ping, () => log.push('first'), 1, null);
    rt.bind(
      ping,
      (_a, _s, r) => {
        log.push('stopper');
        // A nested raise is not affected by the outer stop, nor does it stop the outer event.
        rt.raise(pong, log);
        r.stop();
      },
      2,
      null,
    );
    rt.bind(ping, () => log.push('never'), 3, null);
    rt.bind(pong, () => log.push('nested'), 1, null);
    expect(rt.raise(ping, [])).toBe(false);
    expect(log).toEqual(['first', 'stopper', 'nested']);
    // The next raise runs all handlers again.
    log.length = 0;
    rt.unbind(rt.bind(ping, () => undefined, 0, null));
    expect(rt.raise(pong, log)).toBe(true);
  });

  test('unbind removes a handler; binding during a raise applies to the next raise', () => {
    const rt = new EventRuntime();
    const log: string[] = [];
    const id = rt.bind(ping, () => log.push('x'), 1, null);
    rt.bind(
      ping,
      () => {
        log.push('y');
        rt.bind(ping, () => log.push('late'), 0, null);
      },
      2,
      null,
    );
    rt.raise(ping, []);
    expect(log).toEqual(['x', 'y']);
    expect(rt.unbind(id)).toBe(true);
    expect(rt.unbind(id)).toBe(false);
    log.length = 0;
    rt.raise(ping, []);
    expect(log[0]).toBe('late');
    expect(log).not.toContain('x');
  });

  test('ASYNC raise lets the caller continue; delayed raise runs later on virtual time; both cancellable', () => {
    const s = new Scheduler();
    const rt = new EventRuntime(s);
    const log: string[] = [];
    rt.bind(ping, (args) => log.push(`${args[0]}@${s.now()}`), 1, null);
    const h1 = rt.raise(ping, ['async'], 'ASYNC');
    log.push('caller continues');
    const h2 = rt.raise(ping, ['delayed'], 'ASYNC', 250);
    const h3 = rt.raise(ping, ['cancelled'], 'ASYNC', 100);
    expect(rt.cancel(h3)).toBe(true);
    const h4 = rt.raise(ping, ['sync'], 'SYNC');
    expect(h4.status).toBe('completed');
    s.run();
    expect(log).toEqual(['caller continues', 'sync@0', 'async@0', 'delayed@250']);
    expect([h1.status, h2.status, h3.status]).toEqual(['completed', 'completed', 'cancelled']);
    expect(rt.cancel(h1)).toBe(false);
  });

  test('a handler that throws propagates out of a sync raise and leaves the stop flag clean', () => {
    const rt = new EventRuntime();
    rt.bind(
      ping,
      () => {
        throw new Error('bad handler');
      },
      1,
      null,
    );
    expect(() => rt.raise(ping, [])).toThrow('bad handler');
    const ok = new EventRuntime();
    ok.bind(ping, () => undefined, 1, null);
    expect(ok.raise(ping, [])).toBe(true);
  });
});

const Trail = sharedKey<string[]>('trail', () => []);

/** Test micro-protocol: prefixes a tag byte when sending, checks and strips it when receiving. */
function tagger(tag: number, order: number): () => MicroProtocol {
  return () => ({
    name: `tagger-${tag}`,
    start(c) {
      c.runtime.bind(
        msgFromAbove,
        (msg: Message) => {
          c.shared.get(Trail).push(`out${tag}`);
          msg.buffer.prependByte(tag);
        },
        order,
        null,
      );
      c.runtime.bind(
        msgFromBelow,
        (msg: Message, _s, rt) => {
          c.shared.get(Trail).push(`in${tag}`);
          if (msg.buffer.bytes[msg.buffer.start] !== tag) {
            c.alert(`tag ${tag} missing`);
            c.drop(msg, 'bad-tag', true);
            rt.stop();
            return;
          }
          msg.buffer.pull(1);
        },
        order,
        null,
      );
    },
  });
}

describe('CompositeProtocol', () => {
  test('senders run micro-protocols in order, receivers in reverse: transforms undo cleanly', () => {
    const make = () =>
      new CompositeProtocol('secure', {
        microProtocols: [tagger(1, 10), tagger(2, 20), tagger(3, 30)],
      });
    const sender = make();
    const e = embed(sender);
    e.writeB(enc('m')).run();
    const wire = e.readA()[0]!.data;
    // order 10 ran first, so its tag is innermost; 30 outermost.
    expect([...wire]).toEqual([3, 2, 1, ...enc('m')]);
    expect(sender.shared.get(Trail)).toEqual(['out1', 'out2', 'out3']);

    const receiver = make();
    const r = embed(receiver);
    r.writeA(wire).run();
    expect(dec(r.readB()[0]!.data)).toBe('m');
    expect(receiver.shared.get(Trail)).toEqual(['in3', 'in2', 'in1']);
  });

  test('a handler that stops msgFromBelow keeps the message from going up, with an alert', () => {
    const receiver = new CompositeProtocol('secure', { microProtocols: [tagger(1, 10)] });
    const r = embed(receiver);
    const alerts: string[] = [];
    r.graph.alerts$.subscribe((a) => alerts.push(a.reason));
    r.writeA(Uint8Array.of(9, 1, 2))
      .writeA(Uint8Array.of(1, 65))
      .run();
    expect(r.readB().map((c) => dec(c.data))).toEqual(['A']);
    expect(r.graph.drops.get('bad-tag')).toBe(1);
    expect(alerts).toContain('tag 1 missing');
  });

  test('clones get their own micro-protocol instances and shared data', () => {
    const c = new CompositeProtocol('x', { microProtocols: [tagger(1, 1)] });
    const d = c.clone() as CompositeProtocol;
    expect(d.micro[0]).not.toBe(c.micro[0]);
    expect(d.shared).not.toBe(c.shared);
  });

  test('a micro-protocol handler that throws drops only that message', () => {
    let n = 0;
    const flaky = (): MicroProtocol => ({
      name: 'flaky',
      start(c) {
        c.runtime.bind(
          msgFromAbove,
          () => {
            if (++n === 1) throw new Error('first message breaks');
          },
          1,
          null,
        );
      },
    });
    const e = embed(new CompositeProtocol('c', { microProtocols: [flaky] }));
    e.writeB(enc('a')).writeB(enc('b')).run();
    expect(e.readA().map((x) => dec(x.data))).toEqual(['b']);
    expect(e.graph.faults).toBe(1);
  });
});
