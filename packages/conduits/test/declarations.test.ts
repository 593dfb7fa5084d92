/**
 * Declared attributes (declaration.ts) checked by the builder, and the graph epoch that
 * every rewiring moves on.
 */
import {
  attribute,
  connect,
  disconnect,
  GraphBuilder,
  MissingAttributeError,
  Mux,
  PassThrough,
  Scheduler,
  Session,
  type Declaration,
  type State,
} from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';

const offset = attribute<number>('test.offset', 'stack');
const key = attribute<number>('test.key', 'stack');

/** A wire whose messages carry no attributes: declared, so the walk can end at it. */
class Wire extends ProbeAdaptor {
  override declared(): Declaration {
    return { fromOutside: {} };
  }
}
const plain: State = { ...PassThrough, name: 'plain', declares: {} };
const writer: State = { ...PassThrough, name: 'writer', declares: { fromA: { writes: [offset] } } };
const downWriter: State = {
  ...PassThrough,
  name: 'down-writer',
  declares: { fromB: { writes: [offset] } },
};
const needer: State = {
  ...PassThrough,
  name: 'needer',
  declares: { fromA: { requires: [offset] } },
};

describe('declared attributes', () => {
  test('a conduit requiring an attribute nothing below it writes is refused by the builder, naming both ends', () => {
    const g = new GraphBuilder('g');
    g.stack(
      g.add(new ProbeAdaptor('app')),
      g.session('needer', { initial: needer }),
      g.session('plain', { initial: plain }),
      g.add(new Wire('net')),
    );
    expect(() => g.build()).toThrow(MissingAttributeError);
    expect(() => g.build()).toThrow(
      'needer: requires test.offset on messages arriving at side A, but nothing from net writes it',
    );
  });

  test('a writer below satisfies it; a conduit that declares nothing may write anything, so it is not refused', () => {
    const g = new GraphBuilder('g');
    g.stack(
      g.add(new ProbeAdaptor('app')),
      g.session('needer', { initial: needer }),
      g.session('plain', { initial: plain }),
      g.session('writer', { initial: writer }),
      g.add(new Wire('net')),
    );
    expect(() => g.build()).not.toThrow();
    const u = new GraphBuilder('u');
    u.stack(
      u.add(new ProbeAdaptor('app')),
      u.session('needer', { initial: needer }),
      u.session('unknown', { initial: PassThrough }),
      u.add(new Wire('net')),
    );
    expect(() => u.build()).not.toThrow();
  });

  test('every way into a mux is walked: one route without the writer is enough to refuse', () => {
    // Going down: two sessions on a mux's routes, the mux above one that needs `offset`.
    const build = (second: State) => {
      const g = new GraphBuilder('g');
      const mux = g.mux('m', { name: 'k', key: (m) => m.get(key), declares: {} });
      const bottom = g.session('needer', {
        initial: { ...PassThrough, name: 'n', declares: { fromB: { requires: [offset] } } },
      });
      g.connect(bottom.b, mux.a);
      g.connect(bottom.a, g.add(new Wire('net')).a);
      for (const [k, st] of [
        [1, downWriter],
        [2, second],
      ] as const) {
        const s = g.session(`s${k}`, { initial: st });
        g.route(mux, k, s);
        g.connect(s.b, g.add(new Wire(`app${k}`)).a);
      }
      return g.build();
    };
    expect(() => build(downWriter)).not.toThrow();
    expect(() => build(plain)).toThrow('nothing from app2 writes it');
  });
});

describe('graph epoch', () => {
  test('connect, disconnect, mux install and remove, adopt, retire and a state change each move it on', () => {
    const g = new GraphBuilder('g');
    const s = g.session('s', { initial: PassThrough });
    const mux = g.add(new Mux<number>('m', { name: 'k', key: (m) => m.get(key) }));
    g.stack(g.add(new ProbeAdaptor('app')), s, g.add(new ProbeAdaptor('net')));
    g.connect(mux.a, g.add(new ProbeAdaptor('below')).a);
    const graph = g.build(new Scheduler());
    const moves: string[] = [];
    let last = graph.epoch;
    const step = (what: string, f: () => void) => {
      f();
      if (graph.epoch !== last) moves.push(what);
      last = graph.epoch;
    };
    const extra = new Session('x', { initial: PassThrough });
    step('adopt', () => graph.adopt(extra, null));
    step('install', () => mux.install(1, extra));
    step('remove', () => mux.remove(1));
    step('connect', () => connect(extra.b, new ProbeAdaptor('z').a));
    step('disconnect', () => disconnect(extra.b));
    step('state', () => s.changeState({ ...PassThrough, name: 'other' }));
    step('same state', () => s.changeState(s.state));
    step('retire', () => graph.retire(extra));
    expect(moves).toEqual([
      'adopt',
      'install',
      'remove',
      'connect',
      'disconnect',
      'state',
      'retire',
    ]);
  });
});
