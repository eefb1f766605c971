/** An AlertSink that only counts: the benchmark measures scanning, not SNS. */
import type { AlertSink, DeliveryReport } from '../lib/alerts/alert-sink.ts';
import type { Match } from '../lib/scan/match.ts';
import type { ScanSummary } from '../lib/scan/scan-summary.ts';

export class CountingSink implements AlertSink {
  matches = 0;

  add(_match: Match): void {
    this.matches++;
  }

  async finish(_summary: ScanSummary): Promise<DeliveryReport> {
    return { delivered: this.matches, alreadyDelivered: 0, failed: 0 };
  }
}
