/**
 * Where matches go: SNS in Lambda, stdout or a JSONL file in the CLI. The engine and the scanner
 * know only this interface, so new sinks (Slack, Security Lake) touch nothing else.
 */
import type { Match } from '../scan/match.ts';
import type { ScanSummary } from '../scan/scan-summary.ts';

export interface DeliveryReport {
  /** Alerts delivered now. */
  readonly delivered: number;
  /** Alerts skipped because an earlier attempt already delivered them (retries, re-scans). */
  readonly alreadyDelivered: number;
  /** Alerts that could not be delivered after retries; non-zero means the object must be retried. */
  readonly failed: number;
  /** Counters of the cross-object state in front of the sink (lib/state: suppressed repeats, store requests). */
  readonly state?: Readonly<Record<string, number>>;
}

/** One sink instance serves one scanned object: it may buffer, aggregate and deduplicate. */
export interface AlertSink {
  add(match: Match): void | Promise<void>;
  /** Called once when the object is fully scanned; delivers what is buffered. */
  finish(summary: ScanSummary): Promise<DeliveryReport>;
}
