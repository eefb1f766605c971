/**
 * An alert is what a subscriber receives: one rule matching one or more events of one object
 * (several when a storm of matches is folded into one alert). Built by the aggregator, rendered
 * by the OCSF and email formatters, delivered by a sink.
 */
import type { RuleMeta } from '../rules/rule.ts';
import type { Match } from '../scan/match.ts';

/** The scanned object; `bucket`, `key` and `versionId` or `etag` identify an S3 object's content. */
export interface ObjectRef {
  readonly uri: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly etag?: string;
}

export interface Alert {
  /** Deterministic: the same object content and rules give the same id on every attempt. */
  readonly id: string;
  readonly rule: RuleMeta;
  /** The host of the events (`unknown-host` when the events carry none). */
  readonly host: string;
  readonly object: ObjectRef;
  /** How many matches this alert stands for; more than `matches.length` when a storm was folded. */
  readonly count: number;
  /** The first matches, in event order, kept in full. */
  readonly matches: readonly Match[];
}
