import type { AlertSink, DeliveryReport } from '../../lib/alerts/alert-sink.ts';
import type { Match } from '../../lib/scan/match.ts';
import type { ScanSummary } from '../../lib/scan/scan-summary.ts';

/** An AlertSink that keeps what it is given, for assertions. */
export class CollectingSink implements AlertSink {
  readonly matches: Match[] = [];
  summary: ScanSummary | undefined;
  failNext = 0;

  add(match: Match): void {
    this.matches.push(match);
  }

  async finish(summary: ScanSummary): Promise<DeliveryReport> {
    this.summary = summary;
    const failed = Math.min(this.failNext, this.matches.length);
    return { delivered: this.matches.length - failed, alreadyDelivered: 0, failed };
  }
}
