import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { Evidence, RuleMeta } from '../rules/rule.ts';

/** Where an event came from: the object (or file) and its 0-based position among its records. */
export interface EventSource {
  /** `s3://bucket/key`, a file path, or `-` for stdin. */
  readonly uri: string;
  readonly index: number;
  /** S3 object identity, when scanning S3: makes alert ids deterministic across retries. */
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly etag?: string;
}

/** One rule matching one event. */
export interface Match {
  readonly rule: RuleMeta;
  readonly event: WinEvent;
  readonly source: EventSource;
  readonly evidence: readonly Evidence[];
  /**
   * Set on the "N more" match that closes a suppression window (lib/state/suppression.ts): it
   * stands for `count` matches not published, and `key` names the window so its alert id is its own.
   */
  readonly suppressed?: { readonly count: number; readonly key: string };
  /**
   * The event as alerts show it when that is not its Sigma view (`event.fields`): for an EQL
   * match on an ECS document, the ECS fields the rule read and the document's identity fields.
   */
  readonly fields?: Readonly<Record<string, FieldValue>>;
}
