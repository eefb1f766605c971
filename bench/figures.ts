/** One benchmark figure: a named way of reading one batch, timed over several runs. */
import type { BenchLayout } from './generate.ts';
import { MB, median, type Sample } from './measure.ts';

export type FigureKind =
  | 'L1 gunzip'
  | 'L2 gunzip+JSON.parse'
  | 'winsift bundled pack'
  | 'bundled + prefilter'
  | 'winsift SigmaHQ corpus';

export interface Figure {
  readonly kind: FigureKind;
  readonly layout: BenchLayout;
  /** Decompressed bytes and events of the batch. */
  readonly bytes: number;
  readonly events: number;
  readonly samples: Sample[];
  /** Matches found by the last run, and per rule (winsift figures). */
  matches?: number;
  matchesByRule?: Readonly<Record<string, number>>;
  /** Why the figure has no samples, or what looked wrong while measuring it. */
  notes: string[];
}

export interface Throughput {
  /** Decompressed MB (10^6 bytes) per CPU-second: "per core". */
  readonly mbPerCoreSecond: number;
  readonly eventsPerCoreSecond: number;
  readonly mbPerWallSecond: number;
}

export function throughput(figure: Figure): Throughput | undefined {
  if (figure.samples.length === 0) return undefined;
  const cpuSeconds = median(figure.samples.map((s) => s.cpuMs)) / 1000;
  const wallSeconds = median(figure.samples.map((s) => s.wallMs)) / 1000;
  return {
    mbPerCoreSecond: figure.bytes / MB / cpuSeconds,
    eventsPerCoreSecond: figure.events / cpuSeconds,
    mbPerWallSecond: figure.bytes / MB / wallSeconds,
  };
}
