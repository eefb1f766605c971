/**
 * Starts the deployed backfill state machine (infra/backfill-state-machine.ts) with the input it
 * expects: `{"bucket","prefix","since","until"}`. Needs @aws-sdk/client-sfn, which is loaded
 * only here so the rest of winsift does not depend on it.
 */
import type { DayWindow } from './day-window.ts';

/** Every field is present (the state machine checks): an open end of the window is `""`. */
export interface BackfillInput {
  readonly bucket: string;
  readonly prefix: string;
  readonly since: string;
  readonly until: string;
}

export function backfillInput(bucket: string, prefix: string, window: DayWindow): BackfillInput {
  return { bucket, prefix, since: window.since ?? '', until: window.until ?? '' };
}

/** Returns the execution ARN. */
export async function startBackfill(stateMachineArn: string, input: BackfillInput): Promise<string> {
  // A variable specifier keeps the optional dependency out of the type check and the bundle.
  const specifier = '@aws-sdk/client-sfn';
  let sfn: { SFNClient: new (config: object) => { send(command: unknown): Promise<{ executionArn?: string }> }; StartExecutionCommand: new (input: object) => unknown };
  try {
    sfn = await import(specifier);
  } catch {
    throw new Error(`starting the backfill state machine needs the ${specifier} package, which is not installed; use --local to scan from here`);
  }
  const client = new sfn.SFNClient({});
  const name = `winsift-backfill-${new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}`;
  const out = await client.send(new sfn.StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  if (!out.executionArn) throw new Error(`StartExecution on ${stateMachineArn} returned no execution ARN`);
  return out.executionArn;
}
