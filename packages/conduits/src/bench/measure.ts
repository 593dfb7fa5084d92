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

/** Run two contenders interleaved so drift in machine load hits both alike. */
export function compare(a: (n: number) => void, b: (n: number) => void, n: number, rounds = 7): [number, number] {
  a(10_000);
  b(10_000);
  let bestA = 0;
  let bestB = 0;
  for (let r = 0; r < rounds; r++) {
    bestA = Math.max(bestA, opsPerSecond(a, n, 1));
    bestB = Math.max(bestB, opsPerSecond(b, n, 1));
  }
  return [bestA, bestB];
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
