/** What `readEvtx` yields: a record in evtx_dump JSON shape, or a stretch that could not be read. */
import type { InputError } from '../ingest/ingest-item.ts';

export type EvtxItem =
  /** `bytes`: the record's size in the chunk. */
  | { kind: 'record'; recordId: number; chunk: number; bytes: number; value: Record<string, unknown> }
  | { kind: 'unreadable'; error: InputError; lostRecords: number };
