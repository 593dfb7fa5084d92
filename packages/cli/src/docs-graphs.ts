/**
 * The graphs in the docs are drawn by the CLI, not by hand: each block that follows a
 * `<!-- pnpm -s conduits ARGS -->` line holds exactly what that command prints. Run
 * `pnpm docs:graphs` after changing a graph; a test fails while a block is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { main } from './main.js';

const marker = /^<!-- pnpm -s conduits (.+?) -->\n```(\w+)\n[\s\S]*?^```$/gm;

/** `text` with every generated block redrawn from the CLI's output. */
export function redrawGraphs(text: string): string {
  return text.replace(marker, (_all, args: string, lang: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(
      args.split(' '),
      (l) => out.push(l),
      (l) => err.push(l),
    );
    if (code !== 0) throw new Error(`conduits ${args}: ${err.join(' ')}`);
    return `<!-- pnpm -s conduits ${args} -->\n\`\`\`${lang}\n${out.join('\n')}\n\`\`\``;
  });
}

if (process.argv[1]?.endsWith('docs-graphs.ts')) {
  for (const file of process.argv.slice(2)) {
    const before = readFileSync(file, 'utf8');
    const after = redrawGraphs(before);
    if (after !== before) writeFileSync(file, after);
    process.stderr.write(`${file}: ${after === before ? 'up to date' : 'graphs redrawn'}\n`);
  }
}
