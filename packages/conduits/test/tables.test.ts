import fc from 'fast-check';
import { GraphBuilder, Mux, Scheduler, attribute, type Accessor } from '@conduits/core';
import { AttributeTable, IntTable } from '@conduits/core/internal';
import { ProbeAdaptor } from '@conduits/core/testing';

describe('IntTable', () => {
  test('behaves as a Map under any sequence of sets, deletes and gets (growth and rebuilds included)', () => {
    const op = fc.tuple(
      fc.constantFrom('set', 'delete', 'get'),
      fc.oneof(fc.nat(70), fc.nat(0x7fffffff), fc.constantFrom(0, 1, 7, 8, 16, 500, 4500, 65535)),
      fc.nat(),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new IntTable<number>();
        const m = new Map<number, number>();
        for (const [kind, key, value] of ops) {
          if (kind === 'set') {
            t.set(key, value);
            m.set(key, value);
          } else if (kind === 'delete') expect(t.delete(key)).toBe(m.delete(key));
          else expect(t.get(key)).toBe(m.get(key));
          expect(t.size).toBe(m.size);
        }
        for (const [k, v] of m) expect(t.get(k)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  test('only non-negative 32-bit integers fit', () => {
    expect([0, 7, 65535, 0x7fffffff].every((k) => IntTable.fits(k))).toBe(true);
    expect([-1, 1.5, 2 ** 31, Number.NaN, '7', 7n, undefined].some((k) => IntTable.fits(k))).toBe(
      false,
    );
  });
});

describe('Mux routes by integer and by other keys alike', () => {
  const byAttr = attribute<number | string>('test.int-key', 'stack');
  const accessor: Accessor<number | string> = { name: 'k', key: (m) => m.get(byAttr) };

  test('integers (table), other numbers and strings (map) reach their B[i]; removal and reinstall move the route', () => {
    const g = new GraphBuilder('int-mux');
    const net = g.add(new ProbeAdaptor('net'));
    const mux = g.add(new Mux<number | string>('m', accessor));
    g.connect(mux.a, net.a);
    const graph = g.build(new Scheduler());
    const keys: (number | string)[] = [7, 65535, 2 ** 31, -1, 1.5, 'seven'];
    const sinks = keys.map((k) => {
      const p = new ProbeAdaptor(`sink-${String(k)}`);
      mux.install(k, p);
      graph.adopt(p, null);
      return p;
    });
    for (const k of keys) net.write(Uint8Array.of(1), (m) => m.set(byAttr, k));
    graph.scheduler.run();
    sinks.forEach((s) => expect(s.take()).toHaveLength(1));
    expect(mux.portFor(7)?.peer?.owner).toBe(sinks[0]);
    mux.remove(7);
    expect(mux.portFor(7)).toBeUndefined();
    const again = new ProbeAdaptor('again');
    mux.install(7, again);
    graph.adopt(again, null);
    net.write(Uint8Array.of(1), (m) => m.set(byAttr, 7));
    graph.scheduler.run();
    expect(again.take()).toHaveLength(1);
    expect(sinks[0]!.take()).toHaveLength(0);
  });
});

describe('AttributeTable', () => {
  const keys = [
    attribute<unknown>('test.model-a', 'stack'),
    attribute<unknown>('test.model-b', 'local'),
    attribute<unknown>('test.model-c', 'stack'),
    attribute<unknown>('test.model-d', 'local'),
  ];

  test('behaves as a map of key to value under sets, deletes, clears and scope clears, numbers and objects alike', () => {
    const value = fc.oneof(
      fc.integer(),
      fc.constant(undefined),
      fc.string(),
      fc.constant({ o: 1 }),
      fc.constant(Uint8Array.of(1)),
    );
    const op = fc.tuple(
      fc.constantFrom('set', 'delete', 'clear', 'clearLocal', 'get'),
      fc.nat(keys.length - 1),
      value,
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const t = new AttributeTable();
        const m = new Map<number, unknown>();
        for (const [kind, k, v] of ops) {
          const key = keys[k]!;
          if (kind === 'set') {
            t.set(key, v);
            if (v === undefined) m.delete(k);
            else m.set(k, v);
          } else if (kind === 'delete') {
            t.delete(key);
            m.delete(k);
          } else if (kind === 'clear') {
            t.clear();
            m.clear();
          } else if (kind === 'clearLocal') {
            t.clearScope('local');
            for (const i of [...m.keys()]) if (keys[i]!.scope === 'local') m.delete(i);
          }
          keys.forEach((kk, i) => {
            expect(t.get(kk)).toBe(m.get(i));
            expect(t.has(kk)).toBe(m.has(i));
          });
          const seen: string[] = [];
          t.forEach((kk) => seen.push(kk.name));
          expect(seen.sort()).toEqual([...m.keys()].map((i) => keys[i]!.name).sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a table made before a key was registered grows for it and keeps what it holds', () => {
    const t = new AttributeTable();
    const early = attribute<number>('test.early', 'stack');
    t.set(early, 1);
    const late = Array.from({ length: 40 }, (_, i) => attribute<number>(`test.late-${i}`, 'stack'));
    late.forEach((k, i) => t.set(k, i));
    expect(t.get(early)).toBe(1);
    late.forEach((k, i) => expect(t.get(k)).toBe(i));
    t.clear();
    expect(t.get(early)).toBeUndefined();
    expect(late.every((k) => t.get(k) === undefined)).toBe(true);
  });
});
