/**
 * The canonical event: the one view of a Windows event that every input layout is read into
 * and every rule language evaluates.
 */

/** A value as it appears in an event: JSON-shaped. */
export type FieldValue =
  | string
  | number
  | boolean
  | null
  | readonly FieldValue[]
  | { readonly [key: string]: FieldValue };

/** Names of the layouts ingest recognises (see docs/input-formats in ../shared). */
export type LayoutName =
  | 'ecs' // Winlogbeat / Elastic Agent
  | 'nxlog'
  | 'fluentbit'
  | 'event-xml'
  | 'evtx-json' // evtx_dump-style JSON, and what the native .evtx reader produces
  | 'datadog'
  | 'panther'
  | 'cloudwatch'
  // Not an input: the event a correlation match stands for (group-by values and the aggregate).
  | 'correlation'
  /** The "N more" match that closes a suppression window (lib/state/suppression.ts). */
  | 'suppression';

export interface WinEvent {
  /**
   * The Sigma view, flat: System fields (`EventID`, `Channel`, `Provider_Name`, `Computer`,
   * `Level`, `Task`, `Keywords`, `Execution_ProcessID`, `Security_UserID`,
   * `TimeCreated_SystemTime`, ...) and each EventData item by its name (`RemoteName`).
   * `EventID` is always a number when the source had one.
   */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** The record exactly as the shipper wrote it (parsed), kept for alerts and for ECS/EQL rules. */
  readonly raw: unknown;
  /** The layout the record was read as. */
  readonly layout: LayoutName;
}
