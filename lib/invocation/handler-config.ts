/** The scan function's settings, from its environment; a bad value stops the cold start with its name. */
import type { LayoutName } from '../events/win-event.ts';
import type { IngestLimits } from '../ingest/ingest-item.ts';
import { parseLayoutName } from '../ingest/layout-names.ts';
import { limitsFromEnv } from '../ingest/limits.ts';

export interface HandlerConfig {
  readonly topicArn: string;
  readonly maxObjectBytes?: number;
  readonly reserveMs: number;
  readonly abortMarginMs: number;
  readonly layout?: LayoutName;
  /** The ingest work budget set in the environment (`MAX_RECORD_BYTES`, ..., lib/ingest/limits.ts). */
  readonly limits: Partial<IngestLimits>;
}

export function readHandlerConfig(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const topicArn = env['TOPIC_ARN'];
  if (!topicArn) throw new Error('TOPIC_ARN is not set: the scan function publishes alerts to that SNS topic');
  const maxObjectBytes = positiveInteger(env, 'MAX_OBJECT_BYTES');
  const layout = env['INPUT_LAYOUT'] ? parseLayoutName(env['INPUT_LAYOUT'], 'INPUT_LAYOUT') : undefined;
  return {
    topicArn,
    ...(maxObjectBytes === undefined ? {} : { maxObjectBytes }),
    // Enough to finish a typical object and answer; the stack sets it from the function timeout.
    reserveMs: positiveInteger(env, 'TIME_RESERVE_MS') ?? 20_000,
    abortMarginMs: positiveInteger(env, 'ABORT_MARGIN_MS') ?? 3_000,
    ...(layout === undefined ? {} : { layout }),
    limits: limitsFromEnv(env),
  };
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not '${text}'`);
  return value;
}
