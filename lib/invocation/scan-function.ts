/**
 * The scan function wired from its environment and its rule packs: clients, sink, state store and
 * one scan handler per pack. functions/scan/index.ts calls it once at cold start with its pack
 * source (the bundled pack, or a runtime pack from RULES_S3_URI); tests call it with their own
 * pack, against fauxqs and dynalite, so they run the same wiring.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { readAlertConfig, snsSinkOptions } from '../alerts/alert-config.ts';
import type { SnsSender } from '../alerts/batch-publisher.ts';
import { createSnsSinkFactory } from '../alerts/sns-sink.ts';
import type { RulePack } from '../rules/rule-pack.ts';
import type { PackSource } from '../rules/s3-pack-source.ts';
import type { CrossObjectState } from '../state/cross-object-state.ts';
import type { StateStore } from '../state/state-store.ts';
import { readStateConfig } from '../state/state-config.ts';
import { readHandlerConfig } from './handler-config.ts';
import { createS3ObjectScanner } from './s3-object-scanner.ts';
import { createScanHandler, type ScanHandlerResult } from './scan-handler.ts';

type Env = Readonly<Record<string, string | undefined>>;
type ScanHandler = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<ScanHandlerResult>;

export async function createScanFunction(
  env: Env,
  packs: RulePack | PackSource,
  deps: { logger: Logger; metrics?: Metrics; s3?: S3Client },
): Promise<ScanHandler> {
  const { logger, metrics } = deps;
  const source: PackSource = 'current' in packs ? packs : { current: () => Promise.resolve(packs) };
  const config = readHandlerConfig(env);
  const alertConfig = readAlertConfig(env);
  const stateConfig = readStateConfig(env);
  if (!alertConfig.stateBucket) logger.warn('ALERT_STATE_BUCKET is not set: a retried or re-scanned object can alert again after a cold start');

  const s3 = deps.s3 ?? new S3Client({});
  // The SNS client is made on the first alert: most objects have none, and its code (a chunk of
  // its own in the bundle) is a tenth of the cold start.
  let snsClient: Promise<SNSClient> | undefined;
  const sns: SnsSender = {
    async send(command) {
      snsClient ??= import('@aws-sdk/client-sns').then(({ SNSClient }) => new SNSClient({}));
      return (await snsClient).send(command);
    },
  };
  // Without a state bucket, alerts are deduplicated only within one warm container.
  const sinkFor = createSnsSinkFactory(snsSinkOptions({ sns, s3, topicArn: config.topicArn, config: alertConfig, logger, ...(metrics ? { metrics } : {}) }));

  // State across objects only when a table is named: its client and code load only then. One
  // store serves every pack; the cross-object state is per pack (it reads the pack's rules).
  let stateFor: ((pack: RulePack) => CrossObjectState) | undefined;
  if (stateConfig.table) {
    const [{ DynamoDBClient }, { createDynamoStateStore }, { crossObjectState }, { suppressionOptions }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../state/dynamodb-state-store.ts'),
      import('../state/cross-object-state.ts'),
      import('../state/suppression-options.ts'),
    ]);
    const store: StateStore = createDynamoStateStore({ client: new DynamoDBClient({}), table: stateConfig.table });
    // The pack's own suppression (its configuration's `suppress:`) under SUPPRESS_WINDOW's default.
    stateFor = (pack) => crossObjectState(pack, { store, limits: stateConfig.limits, ...suppressionOptions(pack, stateConfig.defaultSuppressMs) });
  }

  /** One scan handler per pack: a pack swapped in between invocations never changes a running scan. */
  const handlers = new WeakMap<RulePack, ScanHandler>();
  function scanWith(pack: RulePack): ScanHandler {
    let scan = handlers.get(pack);
    if (!scan) {
      if (!stateFor && (pack.correlations.length > 0 || pack.suppress)) {
        logger.info('STATE_TABLE is not set: correlations stay within one object, and no rule is suppressed across objects', { pack: pack.version });
      }
      const crossObject = stateFor?.(pack);
      scan = createScanHandler({
        scanner: createS3ObjectScanner({
          s3,
          detector: pack.detector,
          sinkFor,
          ingest: { ...(config.layout ? { layout: config.layout } : {}), limits: config.limits },
          ...(crossObject ? { crossObject } : {}),
        }),
        limits: {
          reserveMs: config.reserveMs,
          abortMarginMs: config.abortMarginMs,
          ...(config.maxObjectBytes === undefined ? {} : { maxObjectBytes: config.maxObjectBytes }),
        },
        log: logger,
        ...(metrics ? { metrics } : {}),
      });
      handlers.set(pack, scan);
    }
    return scan;
  }

  return async (event, context) => {
    const pack = await source.current();
    logger.appendKeys({ rulePack: pack.version });
    return scanWith(pack)(event, context);
  };
}
