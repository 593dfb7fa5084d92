/** Shared helpers for benchmarks: best-of-rounds timing and the JSON line format of DESIGN.md. */
export interface Figure {
  readonly bench: string;
  readonly unit: string;
  readonly value: number;
  readonly baseline?: string;
  readonly baselineValue?: number;
  readonly ratio?: number;
  readonly target?: string;
  readonly [extra: string]: unknown;
}

export function emit(f: Figure): void {
  process.stdout.write(JSON.stringify(f) + '\n');
}

/** Operations per second of `fn(n)` (which runs n operations), best of `rounds`. */
export function opsPerSecond(fn: (n: number) => void, n: number, rounds = 5): number {
  fn(Math.min(n, 10_000)); // warm-up so the optimiser has seen the code
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    const ns = Number(process.hrtime.bigint() - t0);
    best = Math.max(best, (n * 1e9) / ns);
  }
  return Math.round(best);
}

/**
 * Run two contenders interleaved so drift in machine load hits both alike. Returns the best
 * rate of each and their ratio a/b as the median of the rounds' own ratios: each round runs a
 * then b back to back, so the two numbers of a round were taken in the same machine state. (A
 * ratio of the two bests compares whichever rounds each happened to run fastest in; on a
 * shared virtual machine whose speed jumps between rounds that ratio swings widely.)
 */
export function compare(
  a: (n: number) => void,
  b: (n: number) => void,
  n: number,
  rounds = 7,
): [number, number, number] {
  a(10_000);
  b(10_000);
  let bestA = 0;
  let bestB = 0;
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x = opsPerSecond(a, n, 1);
    const y = opsPerSecond(b, n, 1);
    bestA = Math.max(bestA, x);
    bestB = Math.max(bestB, y);
    ratios.push(x / y);
  }
  return [bestA, bestB, median(ratios)];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Bytes allocated per operation while `run(n)` handles `n` operations, from the heap growth
 * (after a warm-up and a full GC). Run node with `--expose-gc` and a young generation large
 * enough that no scavenge happens during the run (`--min-semi-space-size=256
 * --max-semi-space-size=256` for 1M small operations): the delta is then the allocation itself.
 * Undefined without `--expose-gc`.
 */
export async function heapCost(
  run: (n: number) => void,
  n: number,
): Promise<{ perOp: number; heapDelta: number } | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  run(100_000);
  gc();
  await new Promise((r) => setImmediate(r));
  const before = process.memoryUsage().heapUsed;
  run(n);
  const after = process.memoryUsage().heapUsed;
  return { perOp: Math.max(0, after - before) / n, heapDelta: after - before };
}

/**
 * Heap that `run(n)` leaves behind (retained, not merely allocated): heap used after a full GC
 * following the run, minus the same before it, scaled to one million operations. A flood whose
 * state is bounded reads flat (the bound, whatever n); one that keeps state per packet grows
 * with n. Run node with `--expose-gc`; undefined without it.
 */
export async function heapGrowth(
  run: (n: number) => void,
  n: number,
  warmup = 100_000,
): Promise<{ perMillion: number; heapDelta: number } | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  run(warmup);
  const settle = async (): Promise<number> => {
    await new Promise((r) => setImmediate(r));
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = await settle();
  run(n);
  const after = await settle();
  return { perMillion: Math.round(((after - before) * 1_000_000) / n), heapDelta: after - before };
}
