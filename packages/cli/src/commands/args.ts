/** Minimal option parsing: `--name value`, `--flag`, and positionals. */
export interface Args {
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[]): Args {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      const next = argv[i + 1];
      if (v !== undefined) options.set(k, v);
      else if (next !== undefined && !next.startsWith('--')) options.set(k, (i++, next));
      else options.set(k, true);
    } else positionals.push(a);
  }
  return { positionals, options };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function option(args: Args, name: string, fallback: string): string {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : fallback;
}
