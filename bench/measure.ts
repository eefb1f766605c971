/**
 * Timing one benchmark run. Throughput "per core" divides by the CPU time the process used
 * (all threads: zlib's thread pool and V8's GC helpers included), not by wall time: Lambda at
 * 1,769 MB gives one vCPU, so work another thread does in parallel here would be serial there,
 * and CPU time is also far less disturbed by the other jobs on a shared machine.
 */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ sample: Sample; value: T }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = await run();
  const wallMs = performance.now() - wall;
  const used = process.cpuUsage(cpu);
  return { sample: { wallMs, cpuMs: (used.user + used.system) / 1000 }, value };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Decimal megabytes (10^6 bytes), as throughput is usually quoted. */
export const MB = 1_000_000;
