/** What `readEvtx` yields: a record in evtx_dump JSON shape, or a stretch that could not be read. */
import type { InputError } from '../ingest/ingest-item.ts';

export type EvtxItem =
  | {
      kind: 'record';
      recordId: number;
      chunk: number;
      value: Record<string, unknown>;
      /** With a `<Data Name>` repeated: the names, and the record read keeping each one's first value. */
      repeated?: { readonly names: readonly string[]; readonly firstWins: Record<string, unknown> };
    }
  | { kind: 'unreadable'; error: InputError; lostRecords: number };
