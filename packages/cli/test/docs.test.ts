/**
 * The repository documents itself: no link leaves it, every relative link resolves, the
 * vectors README lists what is there, the graphs in docs/architecture.md are what the CLI
 * draws today (and Mermaid parses them), and every TypeScript example in a README is a file
 * that `pnpm typecheck` compiles.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { redrawGraphs } from '../src/docs-graphs.js';
import { parseMermaid } from './mermaid.js';

const root = process.cwd();

/** Every file of the repository with one of `exts` (no node_modules, no dot-folders). */
function files(dir: string, exts: readonly string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, exts);
    return exts.some((e) => name.endsWith(e)) ? [p] : [];
  });
}

const markdown = files(root, ['.md']);

test("no file points outside the repository (../shared or the team's shared folder)", () => {
  const offenders = files(root, ['.md', '.ts', '.sh', '.json', '.js'])
    .filter((f) => f !== join(root, 'packages/cli/test/docs.test.ts'))
    .filter((f) =>
      /\.\.\/shared\b|\bshared\/(DESIGN|INTEROP|STYLE|seeds|vectors)/.test(readFileSync(f, 'utf8')),
    )
    .map((f) => relative(root, f));
  expect(offenders).toEqual([]);
});

test('every relative link in the Markdown resolves to a file of the repository', () => {
  const broken: string[] = [];
  for (const f of markdown) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/.test(target)) continue;
      const resolved = join(dirname(f), target);
      if (
        !existsSync(resolved) ||
        !relative(root, resolved) ||
        relative(root, resolved).startsWith('..')
      )
        broken.push(`${relative(root, f)} -> ${target}`);
    }
  }
  expect(broken).toEqual([]);
  expect(markdown.map((f) => relative(root, f))).toEqual(
    expect.arrayContaining([
      'README.md',
      'docs/architecture.md',
      'docs/interop.md',
      'docs/benchmarks.md',
      'vectors/README.md',
    ]),
  );
});

test('vectors/README.md lists exactly the vector files that are there', () => {
  const listed = [
    ...readFileSync(join(root, 'vectors/README.md'), 'utf8').matchAll(/^\| `([^`]+)` \|/gm),
  ]
    .map((m) => m[1])
    .sort();
  const present = files(join(root, 'vectors'), ['.json'])
    .map((f) => relative(join(root, 'vectors'), f))
    .sort();
  expect(listed).toEqual(present);
});

test('the README keeps its first two commands', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect(readme).toContain(
    '```sh\nnpm install -g pnpm@9.15.9 && pnpm install && pnpm conduits demo\n```',
  );
  expect(readme).toContain('```sh\npnpm test\n```');
  expect(readme).toContain('docs/architecture.md');
});

test('docs/architecture.md: its graphs are what the CLI draws now, and Mermaid parses each', async () => {
  const text = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  // If this fails after a change to a graph: pnpm docs:graphs
  expect(redrawGraphs(text)).toBe(text);
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  for (const b of blocks) expect(await parseMermaid(b)).toBe('flowchart-v2');
}, 60_000);

test('every ```ts example in a README is an examples/ file that pnpm typecheck compiles', () => {
  const examples = files(join(root, 'packages'), ['.ts'])
    .filter((f) => f.includes('/examples/') && !f.includes('/src/'))
    .map((f) => readFileSync(f, 'utf8').replace(/^\/\*\*[^\n]*\*\/\n/, ''));
  const missing: string[] = [];
  let count = 0;
  for (const f of markdown) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
      count++;
      if (!examples.includes(m[1] as string))
        missing.push(
          `${relative(root, f)}: the example starting "${(m[1] as string).split('\n')[0]}"`,
        );
    }
  }
  expect(missing).toEqual([]);
  expect(count).toBeGreaterThanOrEqual(6);
});
