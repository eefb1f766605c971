/** One winsift run over a batch: the lead's scanStream with a counting sink, as the Lambda runs it. */
import type { Detector } from '../lib/rules/rule.ts';
import { CountingSink } from './counting-sink.ts';
import { chunksOf } from './generate.ts';

export interface ScanOutcome {
  readonly events: number;
  readonly unreadable: number;
  readonly matches: number;
  readonly matchesByRule: Readonly<Record<string, number>>;
}

export async function scanBatch(gzip: Uint8Array, detector: Detector, uri: string): Promise<ScanOutcome> {
  const { scanStream } = await import('../lib/scan/scan-stream.ts');
  const sink = new CountingSink();
  const { summary } = await scanStream(chunksOf(gzip), { uri, detector, sink });
  return { events: summary.events, unreadable: summary.unreadable, matches: summary.matches, matchesByRule: summary.matchesByRule };
}
