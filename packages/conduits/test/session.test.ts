import type { Message } from '@conduits/core';
import {
  defineMessenger,
  GraphBuilder,
  PassThrough,
  Scheduler,
  Session,
  type State,
} from '@conduits/core';
import { embed, ProbeAdaptor } from '@conduits/core/testing';
import { dec, enc, marker } from './helpers.js';

describe('Session', () => {
  test('forwards what enters A out of B and vice versa, through its state', () => {
    const e = embed(new Session('layer', { initial: marker(0x7e) }));
    e.writeB(enc('hi')).run();
    const down = e.readA();
    expect(down.map((c) => [...c.data])).toEqual([[0x7e, ...enc('hi')]]);
    e.writeA(down[0]!.data).run();
    expect(e.readB().map((c) => dec(c.data))).toEqual(['hi']);
  });

  test('State switching: a state replaces itself and the next message sees the new behaviour', () => {
    interface Counter {
      count: number;
    }
    const Closed: State<Counter> = {
      name: 'closed',
      accept(s, msg) {
        s.drop(msg, 'closed');
      },
    };
    const Open: State<Counter> = {
      name: 'open',
      accept(s, msg, from) {
        if (++s.data.count === 2) s.changeState(Closed);
        s.forward(msg, from);
      },
    };
    const session = new Session<Counter>('gate', { initial: Open, data: () => ({ count: 0 }) });
    const e = embed(session);
    for (const w of ['a', 'b', 'c']) e.writeB(enc(w));
    e.run();
    expect(e.readA().map((c) => dec(c.data))).toEqual(['a', 'b']);
    expect(session.state.name).toBe('closed');
    expect(e.graph.drops.get('closed')).toBe(1);
  });

  test('enter and exit hooks run on state change', () => {
    const log: string[] = [];
    const S2: State = { name: 's2', accept: PassThrough.accept, enter: () => log.push('enter s2') };
    const S1: State = {
      name: 's1',
      accept: (s, msg) => (s.changeState(S2), msg.release()),
      exit: () => log.push('exit s1'),
    };
    const e = embed(new Session('s', { initial: S1 }));
    e.writeB(enc('x')).run();
    expect(log).toEqual(['exit s1', 'enter s2']);
  });

  test('Messenger (Command): a protocol messenger calls its command on the state; a coder replaces the messenger', () => {
    // FSM state interface with a command the messenger invokes.
    interface FsmState extends State {
      greet(s: Session, msg: Message, from: 'A' | 'B'): void;
    }
    const greeted: string[] = [];
    const Ready: FsmState = {
      name: 'ready',
      accept(s, msg) {
        s.drop(msg, 'not-a-greeting');
      },
      greet(_s, msg) {
        greeted.push(dec(msg.buffer.copy()));
        msg.release();
      },
    };
    const Greeting = defineMessenger<unknown, FsmState>('fsm', 'greeting', (state, s, msg, from) =>
      state.greet(s, msg, from),
    );
    // The coder decodes: a leading 'G' means "greeting": it pulls the tag and gives the bytes a new meaning.
    const Coder: State = {
      name: 'coder',
      accept(s, msg, from) {
        if (from === 'A' && msg.buffer.bytes[msg.buffer.start] === 0x47) {
          msg.buffer.pull(1);
          msg.messenger = Greeting;
        }
        s.forward(msg, from);
      },
    };
    const g = new GraphBuilder('fsm-over-coder');
    const below = g.add(new ProbeAdaptor('net'));
    const fsm = g.session('fsm', { initial: Ready, protocol: 'fsm', terminal: 'B' });
    const coder = g.session('coder', { initial: Coder });
    g.stack(fsm, coder, below);
    const graph = g.build(new Scheduler());
    below.write(enc('Ghello'));
    below.write(enc('plain'));
    graph.scheduler.run();
    expect(greeted).toEqual(['hello']);
    // The plain message had no fsm messenger: the state's generic accept ran and dropped it.
    expect(graph.drops.get('not-a-greeting')).toBe(1);
  });

  test('a messenger of another protocol falls back to the state accept', () => {
    const Other = defineMessenger<unknown, State>('other', 'other', () => {
      throw new Error('must not run at a session of another protocol');
    });
    const e = embed(new Session('s', { initial: PassThrough, protocol: 'mine' }));
    e.writeB(enc('x'), (m) => (m.messenger = Other)).run();
    expect(e.readA()).toHaveLength(1);
  });

  test('timers from the framework reach the state on virtual time; reset and cancel', () => {
    const fired: [string, number][] = [];
    const Waiting: State = {
      name: 'waiting',
      accept(s, msg) {
        s.setTimer(30_000, 'retransmit');
        s.setTimer(5_000, 'short');
        s.setTimer(10_000, 'short'); // replaces the 5 s timer
        s.setTimer(1_000, 'cancelled');
        s.cancelTimer('cancelled');
        msg.release();
      },
      timeout(s, tag) {
        fired.push([tag, s.graph.scheduler.now()]);
      },
    };
    const e = embed(new Session('t', { initial: Waiting }));
    e.writeB(enc('go')).run();
    expect(fired).toEqual([
      ['short', 10_000],
      ['retransmit', 30_000],
    ]);
  });

  test('a timeout handler that throws is reported and the scheduler goes on', () => {
    const Boom: State = {
      name: 'boom',
      accept(s, msg) {
        s.setTimer(1, 'x');
        s.forward(msg, 'B');
      },
      timeout() {
        throw new Error('timer handler failed');
      },
    };
    const e = embed(new Session('t', { initial: Boom }));
    e.writeB(enc('a')).run();
    expect(e.graph.faults).toBe(1);
    expect(e.readA()).toHaveLength(1);
  });
});
