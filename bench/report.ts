/** Shared helpers for `npm run bench`: every figure is printed beside the baseline measured in the same run. */

export interface BenchSection {
  name: string;
  run(): Promise<void>;
}

export function heading(title: string): void {
  console.log(`\n## ${title}`);
}

export function figure(label: string, value: number, unit: string, note = ''): void {
  const shown = value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
  console.log(`  ${label.padEnd(52)} ${shown.padStart(12)} ${unit}${note ? `  (${note})` : ''}`);
}

/** Percentile of already-sorted samples, nearest-rank method. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs fn repeatedly for at least minMs (and at least minIterations) and returns operations per second. */
export async function opsPerSecond(
  fn: () => unknown,
  { minMs = 1000, minIterations = 10 }: { minMs?: number; minIterations?: number } = {},
): Promise<number> {
  const start = performance.now();
  let iterations = 0;
  while (iterations < minIterations || performance.now() - start < minMs) {
    await fn();
    iterations++;
  }
  return iterations / ((performance.now() - start) / 1000);
}

export function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/** Runs fn, appends its duration in ms to samples, and passes its result through. */
export async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  samples.push(performance.now() - start);
  return result;
}

export function median(samples: number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}
