/** Where the function's rules come from, read from its environment (set by infra/scan-function.ts). */
import { parseS3Uri } from './s3-pack-source.ts';

export interface RulesSourceConfig {
  /** `RULES_S3_URI`: a runtime pack (`winsift rules publish`); absent: the pack built into the function. */
  readonly uri?: string;
  /** `RULES_REFRESH_SECONDS` (default 300, 1..86400): how often the pack object's ETag is re-checked. */
  readonly refreshMs: number;
}

export function readRulesSourceConfig(env: Readonly<Record<string, string | undefined>>): RulesSourceConfig {
  const uri = env['RULES_S3_URI'] || undefined;
  if (uri !== undefined) parseS3Uri(uri);
  const raw = env['RULES_REFRESH_SECONDS'];
  let seconds = 300;
  if (raw !== undefined && raw !== '') {
    seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86400) throw new Error(`RULES_REFRESH_SECONDS: '${raw}' is not a number of seconds from 1 to 86400`);
  }
  return { ...(uri === undefined ? {} : { uri }), refreshMs: seconds * 1000 };
}
