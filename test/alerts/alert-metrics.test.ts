import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALERT_METRICS, observeDelivery } from '../../lib/alerts/alert-metrics.ts';
import type { SnsDeliveryReport } from '../../lib/alerts/sns-sink.ts';

const report = (over: Partial<SnsDeliveryReport> = {}): SnsDeliveryReport => ({
  uri: 's3://logs-bucket/a.json.gz',
  alerts: 7,
  delivered: 4,
  alreadyDelivered: 2,
  failed: 1,
  trimmed: 1,
  requests: 3,
  failures: [{ alertId: 'ws-1', code: 'InternalError', reason: 'try later' }],
  unrecorded: 0,
  recordErrors: [],
  degraded: 0,
  degradedReasons: [],
  deduplicated: true,
  claim: 'claimed',
  ...over,
});

function captureOutput(): () => string {
  const written: string[] = [];
  const grab = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(grab as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(grab as typeof process.stderr.write);
  return () => written.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('alert delivery metrics and logs', () => {
  it('adds one EMF metric per delivery count', () => {
    const metrics = new Metrics({ namespace: 'winsift', serviceName: 'scan' });
    observeDelivery({ metrics })(report());
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] } };
    const names = emf._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name).sort();
    expect(names).toEqual(Object.values(ALERT_METRICS).sort());
    expect(emf[ALERT_METRICS.published]).toBe(4);
    expect(emf[ALERT_METRICS.alreadyPublished]).toBe(2);
    expect(emf[ALERT_METRICS.failed]).toBe(1);
    expect(emf[ALERT_METRICS.requests]).toBe(3);
    expect(emf[ALERT_METRICS.claimHeld]).toBe(0);
  });

  it('logs an object left to the holder of its claim as a warning, not an error, and counts it', () => {
    const output = captureOutput();
    const metrics = new Metrics({ namespace: 'winsift', serviceName: 'scan' });
    const reason = 'another attempt is publishing this object\'s alerts';
    observeDelivery({ logger: new Logger({ serviceName: 'scan' }), metrics })(
      report({ claim: 'held', delivered: 0, failed: 5, failures: [{ alertId: 'ws-1', code: 'ClaimHeld', reason }] }),
    );
    const lines = output().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.level)).toEqual(['WARN']);
    expect(lines[0]).toMatchObject({ failed: 5, reason });
    expect((metrics.serializeMetrics() as unknown as Record<string, unknown>)[ALERT_METRICS.claimHeld]).toBe(1);
  });

  it('warns when the claim could not be taken', () => {
    const output = captureOutput();
    observeDelivery({ logger: new Logger({ serviceName: 'scan' }) })(
      report({ failed: 0, failures: [], claim: 'unavailable', claimError: 'cannot read the claim s3://state/x/claim: AccessDenied' }),
    );
    const lines = output().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.level)).toEqual(['INFO', 'WARN']);
    expect(lines[1]).toMatchObject({ claim: 'unavailable', error: expect.stringMatching(/AccessDenied/) });
  });

  it('logs counts and failure codes as JSON, at error level when alerts were lost for now', () => {
    const output = captureOutput();
    const logger = new Logger({ serviceName: 'scan' });
    observeDelivery({ logger })(report());
    const line = JSON.parse(output().trim().split('\n').at(-1) ?? '{}');
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'alerts not delivered; the object will be retried',
      uri: 's3://logs-bucket/a.json.gz',
      delivered: 4,
      failed: 1,
      failures: [{ alertId: 'ws-1', code: 'InternalError' }],
    });
  });

  it('logs success at info and warns about alerts delivered but not recorded', () => {
    const output = captureOutput();
    observeDelivery({ logger: new Logger({ serviceName: 'scan' }) })(
      report({ failed: 0, failures: [], unrecorded: 3, recordErrors: ['cannot record 3 ...'] }),
    );
    const lines = output().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.level)).toEqual(['INFO', 'WARN']);
    expect(lines[1]).toMatchObject({ unrecorded: 3 });
  });
});
