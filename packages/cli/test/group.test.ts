/** `conduits group run`: one JSON summary; a published preset warns and its attack succeeds, the repaired group refuses it. */
import { main } from '../src/main.js';

function run(argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out, err };
}

describe('conduits group run', () => {
  test('repaired: everybody joins, the expelled member cannot read what follows', () => {
    const r = run(['group', 'run', '--members', '5', '--preset', 'repaired', '--seed', '2']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out[0]!);
    expect(s).toMatchObject({
      preset: 'repaired',
      members: 5,
      joined: 5,
      warning: null,
      departedCouldRead: { m4: false },
    });
    expect(s.rekeys.wrappedKeys).toBeGreaterThan(0);
  });

  test('an attack against its published preset succeeds (with a warning); against repaired it is refused and alerted', () => {
    const pub = JSON.parse(
      run([
        'group',
        'run',
        '--members',
        '4',
        '--preset',
        'enclaves2-published',
        '--attack',
        'forged-close-connection',
        '--seed',
        '1',
      ]).out[0]!,
    );
    expect(pub.warning).toMatch(/enclaves2-published/);
    expect(pub.attack.succeeded).toBe(true);
    const rep = JSON.parse(
      run([
        'group',
        'run',
        '--members',
        '4',
        '--preset',
        'repaired',
        '--attack',
        'forged-close-connection',
        '--seed',
        '1',
      ]).out[0]!,
    );
    expect(rep.attack.succeeded).toBe(false);
    expect(rep.attack.alerts['bad-auth']).toBeGreaterThan(0);
  });

  test('an unknown preset or attack is a usage error (exit 2)', () => {
    expect(run(['group', 'run', '--preset', 'nope']).code).toBe(2);
    expect(run(['group', 'run', '--attack', 'nope']).code).toBe(2);
    expect(run(['group', 'walk']).code).toBe(2);
    expect(run(['group', 'run', '--members', 'many']).code).toBe(2);
    expect(run(['group', 'run', '--members', '5', '--mebmers', '5']).err).toHaveLength(2);
  });
});
