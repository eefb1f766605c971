/** One winsift run over a batch: the lead's scanStream with a counting sink, as the Lambda runs it. */
import type { Detector } from '../lib/rules/rule.ts';
import { CountingSink } from './counting-sink.ts';
import { chunksOf } from './generate.ts';

export interface ScanOutcome {
  readonly events: number;
  /** Records the prefilter left unparsed. */
  readonly skipped: number;
  readonly unreadable: number;
  readonly matches: number;
  readonly matchesByRule: Readonly<Record<string, number>>;
}

/** `prefilter: false` parses every record; the default skips those no loaded rule can match, as the Lambda does. */
export async function scanBatch(gzip: Uint8Array, detector: Detector, uri: string, prefilter = true): Promise<ScanOutcome> {
  const { scanStream } = await import('../lib/scan/scan-stream.ts');
  const sink = new CountingSink();
  const { summary } = await scanStream(chunksOf(gzip), { uri, detector, sink, prefilter });
  const { events, skipped, unreadable, matches, matchesByRule } = summary;
  return { events: events + skipped, skipped, unreadable, matches, matchesByRule };
}
