#!/usr/bin/env node
/** The `conduits` command. */
import { parseArgs, UsageError } from './commands/args.js';
import { demoCommand } from './commands/demo.js';
import { graphCommand } from './commands/graph.js';
import { groupCommand } from './commands/group.js';
import { pcapCommand } from './commands/pcap-decode.js';
import { seccommCommand } from './commands/seccomm.js';

const commands: Record<string, { readonly summary: string; readonly run: (args: ReturnType<typeof parseArgs>, out: (s: string) => void) => void }> = {
  demo: { summary: 'run the demo scenarios on the virtual clock and write their graphs (--engine noble|node, --out DIR, --seed N for the simulated network)', run: demoCommand },
  pcap: { summary: 'pcap decode FILE [--esp-sa FILE]: one JSON object per packet; ESP decrypted and its ICV checked with SAs in tshark\'s esp_sa format', run: pcapCommand },
  seccomm: { summary: 'seccomm check|graph CONFIG: a SecComm composition resolved against its constraints, or drawn; seccomm run CONFIG [--messages N] [--adversary KIND] [--seed S]: a client/server pair on the simulator under attack, one JSON summary; seccomm verify-proof FILE --public-key HEX: non-repudiation proofs checked offline', run: seccommCommand },
  group: { summary: 'group run --members N --preset repaired|antigone-published|enclaves2-published|enclaves1 [--attack A] [--seed S]: a leader-based secure group on the simulator, one JSON summary', run: groupCommand },
  graph: { summary: 'print an example graph as Graphviz DOT or Mermaid: graph <example> [--format dot|mermaid]', run: graphCommand },
};

function help(): string {
  return ['usage: conduits <command> [options]', '', 'commands:', ...Object.entries(commands).map(([k, v]) => `  ${k.padEnd(8)} ${v.summary}`)].join('\n');
}

export function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name === undefined ? 1 : 0;
  }
  const cmd = commands[name];
  if (cmd === undefined) {
    process.stderr.write(`unknown command ${name}\n\n${help()}\n`);
    return 2;
  }
  try {
    cmd.run(parseArgs(rest), out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/src/main.ts')) {
  // A reader that stops early (| head) is a normal end of output, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = main(process.argv.slice(2));
}
