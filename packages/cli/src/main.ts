#!/usr/bin/env node
/**
 * The `conduits` command. Results go to stdout (JSON-line commands print only JSON there),
 * diagnostics and progress to stderr. A usage or input error is one line (and at most a hint
 * line) on stderr with exit code 2, never a stack trace; `--help` on any command prints its
 * help and exits 0 without doing anything else.
 */
import { parseArgs, UsageError, wantsHelp, type Args, type OptionSpecs } from './commands/args.js';
import { demoCommand, demoOptions, demoUsage } from './commands/demo.js';
import { graphCommand, graphOptions, graphUsage } from './commands/graph.js';
import { groupOptions, groupRunCommand, groupUsage } from './commands/group.js';
import type { Io } from './commands/io.js';
import { pcapCommand, pcapOptions, pcapUsage } from './commands/pcap-decode.js';
import {
  seccommCheckCommand,
  seccommGraphCommand,
  seccommOptions,
  seccommRunCommand,
  seccommUsage,
  seccommVerifyProofCommand,
} from './commands/seccomm.js';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpecs;
  readonly run: (args: Args, io: Io) => void;
}

interface CommandGroup {
  readonly summary: string;
  readonly subcommands: Readonly<Record<string, Command>>;
}

const commands: Readonly<Record<string, Command | CommandGroup>> = {
  demo: {
    summary:
      'run the demo scenarios on the virtual clock and write their graphs and captures (--engine noble|node, --out DIR, --seed N for the simulated network)',
    usage: demoUsage,
    options: demoOptions,
    run: demoCommand,
  },
  graph: {
    summary:
      'print an example graph as Graphviz DOT or Mermaid (examples: chat, host, ipsec-host, ipsec-gateway)',
    usage: graphUsage,
    options: graphOptions,
    run: graphCommand,
  },
  pcap: {
    summary: 'decode a capture',
    subcommands: {
      decode: {
        summary:
          "one JSON object per packet, printed as it is read (pcap or pcapng, optionally gzipped; link types 1, 101, 228, 229); ESP decrypted and its ICV checked with SAs in tshark's esp_sa format; IPv6 fragments reassembled",
        usage: pcapUsage,
        options: pcapOptions,
        run: (args, io) =>
          pcapCommand({ ...args, positionals: ['decode', ...args.positionals] }, io),
      },
    },
  },
  group: {
    summary: 'leader-based secure groups (Enclaves, Antigone) on the simulator',
    subcommands: {
      run: {
        summary:
          'a group under an attack, published or repaired preset: one JSON summary on stdout (a published preset warns on stderr)',
        usage: groupUsage,
        options: groupOptions,
        run: groupRunCommand,
      },
    },
  },
  seccomm: {
    summary: 'SecComm compositions: check, draw, run under attack, verify non-repudiation proofs',
    subcommands: {
      check: {
        summary:
          'a composition (JSON file or preset) resolved against its constraints, or refused with a way out',
        usage: seccommUsage.check,
        options: seccommOptions.check,
        run: seccommCheckCommand,
      },
      graph: {
        summary: 'its micro-protocols and their dependencies, drawn',
        usage: seccommUsage.graph,
        options: seccommOptions.graph,
        run: seccommGraphCommand,
      },
      run: {
        summary:
          'a client/server pair on the simulator under attack: one JSON summary on stdout, progress on stderr',
        usage: seccommUsage.run,
        options: seccommOptions.run,
        run: seccommRunCommand,
      },
      'verify-proof': {
        summary:
          "non-repudiation proofs checked offline with a sender's public key (as seccomm run prints it)",
        usage: seccommUsage['verify-proof'],
        options: seccommOptions['verify-proof'],
        run: seccommVerifyProofCommand,
      },
    },
  },
};

function isGroup(c: Command | CommandGroup): c is CommandGroup {
  return 'subcommands' in c;
}

function help(): string {
  const lines = [
    'usage: conduits <command> [options]   (conduits <command> --help for its options)',
    '',
    'commands:',
  ];
  for (const [name, c] of Object.entries(commands)) {
    if (!isGroup(c)) lines.push(`  ${name.padEnd(20)} ${c.summary}`);
    else
      for (const [sub, s] of Object.entries(c.subcommands))
        lines.push(`  ${`${name} ${sub}`.padEnd(20)} ${s.summary}`);
  }
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  return `usage: ${c.usage}\n\n${c.summary}`;
}

function groupHelp(name: string, g: CommandGroup): string {
  return [
    `usage: conduits ${name} <${Object.keys(g.subcommands).join('|')}> ...`,
    '',
    ...Object.values(g.subcommands).map((s) => `  ${s.usage}\n      ${s.summary}`),
  ].join('\n');
}

const stdoutLine = (s: string): void => void process.stdout.write(s + '\n');
const stderrLine = (s: string): void => void process.stderr.write(s + '\n');

/** Run the command line `argv` (without node and the script); returns the exit code. */
export function main(
  argv: readonly string[],
  out: (line: string) => void = stdoutLine,
  err: (line: string) => void = stderrLine,
): number {
  const io: Io = { out, err };
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return 0;
  }
  try {
    if (name === undefined)
      throw new UsageError(
        'a command is needed: demo, graph, pcap decode, seccomm check|graph|run|verify-proof',
        'conduits --help says what each does',
      );
    const found = commands[name];
    if (found === undefined)
      throw new UsageError(`unknown command ${name}`, 'conduits --help lists the commands');
    let cmd: Command;
    let args = rest;
    if (isGroup(found)) {
      const [sub, ...more] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        if (sub === undefined)
          throw new UsageError(
            `conduits ${name} needs a command: ${Object.keys(found.subcommands).join(', ')}`,
          );
        out(groupHelp(name, found));
        return 0;
      }
      const s = found.subcommands[sub];
      if (s === undefined)
        throw new UsageError(
          `unknown command ${name} ${sub}`,
          `commands: ${Object.keys(found.subcommands)
            .map((k) => `${name} ${k}`)
            .join(', ')}`,
        );
      cmd = s;
      args = more;
    } else cmd = found;
    if (wantsHelp(args)) {
      out(commandHelp(cmd));
      return 0;
    }
    cmd.run(parseArgs(args, cmd.options, `usage: ${cmd.usage}`), io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(oneLine(e.message));
      if (e.hint !== undefined) err(oneLine(e.hint));
      return 2;
    }
    // Anything else is our fault, not the user's: still one line, the stack only on request.
    err(`conduits: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (process.env['CONDUITS_DEBUG']) err(String((e as Error).stack));
    return 1;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

/** Run as the process's command line (the bin, or `tsx packages/cli/src/main.ts ...`). */
export function runCommandLine(): void {
  // A reader that stops early (| head) is a normal end of output, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = main(process.argv.slice(2));
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('/cli/src/main.ts')
)
  runCommandLine();
