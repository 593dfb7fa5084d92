/**
 * Option parsing against what a command declares: `--name value`, `--name=value`, and
 * positionals. Unknown options, a missing value, and numbers that are not decimal integers
 * in range are usage errors — a typo never runs with a default or with NaN.
 */
export interface Args {
  readonly positionals: string[];
  readonly options: Map<string, string>;
}

interface OptionSpec {
  /** `integer`: a decimal integer between `min` and `max`. */
  readonly kind: 'string' | 'integer';
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A usage or input error: one line, and at most one hint line. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs, usage: string): Args {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unknown option ${a}`, usage);
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`unknown option --${name}`, usage);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) value = (i++, next);
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`, usage);
    if (options.has(name)) throw new UsageError(`--${name} given twice`, usage);
    if (spec.choices !== undefined && !spec.choices.includes(value))
      throw new UsageError(`--${name} is one of ${spec.choices.join(', ')} (not ${value})`, usage);
    if (spec.kind === 'integer') checkInteger(name, value, spec);
    options.set(name, value);
  }
  return { positionals, options };
}

function checkInteger(name: string, value: string, spec: OptionSpec): void {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const range = `a decimal integer from ${min} to ${max}`;
  if (!/^-?(0|[1-9][0-9]*)$/.test(value))
    throw new UsageError(`--${name} is ${range} (not ${value})`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} is ${range} (not ${value})`);
}

export function option(args: Args, name: string, fallback: string): string {
  return args.options.get(name) ?? fallback;
}

export function integerOption(args: Args, name: string, fallback: number): number {
  const v = args.options.get(name);
  return v === undefined ? fallback : Number(v);
}

/** Exactly `count` positionals, or a usage error. */
export function positionals(args: Args, count: number, usage: string): string[] {
  if (args.positionals.length < count) throw new UsageError(`missing argument: ${usage}`);
  if (args.positionals.length > count)
    throw new UsageError(`unexpected argument ${args.positionals[count]}`, usage);
  return args.positionals;
}
