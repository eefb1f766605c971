/**
 * What ingest yields for each record of an object: a canonical event, or the reason a record
 * could not be read. Unreadable records keep their place in the numbering so event indexes stay
 * stable whatever else fails.
 */
import type { LayoutName, WinEvent } from '../events/win-event.ts';
import type { Deadline } from './deadline.ts';

/** Bad input: names the object, where in it (line, byte offset, chunk, record) and why. */
export class InputError extends Error {
  readonly uri: string;
  /** e.g. `line 12`, `byte 4096`, `chunk 3 at offset 0x31000`. */
  readonly location: string;
  readonly reason: string;

  constructor(uri: string, location: string, reason: string) {
    super(`${uri}: ${location}: ${reason}`);
    this.name = 'InputError';
    this.uri = uri;
    this.location = location;
    this.reason = reason;
  }
}

export type IngestItem =
  | {
      readonly kind: 'event';
      readonly index: number;
      readonly event: WinEvent;
      /** The record was read, but not exactly as written (invalid UTF-8 became U+FFFD, a key repeated). */
      readonly warning?: InputError;
      /**
       * Other readings of the same record, to be matched as well (an alert from any of them is
       * an alert): a JSON record with a repeated key is `event` with the last value of each
       * (JSON.parse's reading) and an alternate with the first (record-reader.ts explains why).
       */
      readonly alternates?: readonly WinEvent[];
      /** Paths of the record's repeated JSON keys (`winlog.event_data.Image`); also in `warning`. */
      readonly duplicateKeys?: readonly string[];
    }
  | { readonly kind: 'unreadable'; readonly index: number; readonly error: InputError }
  /** Not parsed: `IngestOptions.mayMatch` proved no loaded rule can match it (so it was not validated either). */
  | { readonly kind: 'skipped'; readonly index: number };

export interface IngestLimits {
  /** Longest single record (line, JSON value, XML element) in bytes. */
  readonly maxRecordBytes: number;
  /** Largest decompressed size of one object in bytes. */
  readonly maxDecompressedBytes: number;
  /** Largest decompressed:compressed ratio before the input is treated as a bomb. */
  readonly maxCompressionRatio: number;
  /** Deepest nesting of arrays/objects (JSON) or elements (XML) in one record. */
  readonly maxNestingDepth: number;
  /** Most characters one EVTX record may render to from its templates. */
  readonly maxRecordExpansion: number;
  /** Most EVTX characters rendered per byte of the object (judged after 8 MiB). */
  readonly maxExpansionRatio: number;
}

export interface IngestOptions {
  /** Names the object in every error. */
  readonly uri: string;
  /** S3 `Content-Encoding`, when declared (brotli is only read when declared). */
  readonly contentEncoding?: string;
  /** Force one layout instead of detecting it per record (`--layout`, `INPUT_LAYOUT`). */
  readonly layout?: LayoutName;
  readonly limits?: Partial<IngestLimits>;
  /** Reading stops with `DeadlineExceededError` once this passes (checked per record and chunk). */
  readonly deadline?: Deadline;
  /**
   * The scan's prefilter (lib/scan/prefilter.ts): a JSON record for which it answers false is
   * yielded as `skipped` without being parsed. It may answer false only for records that no
   * loaded rule can match, whatever their content.
   */
  readonly mayMatch?: (record: Uint8Array) => boolean;
}
