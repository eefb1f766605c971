/**
 * One large object scanned in pieces by several threads, with exactly the result of `scanStream`
 * (the same alerts in the same order, the same summary, the same errors naming the same lines,
 * offsets and records). This thread reads what must be read in order and the others do the rest:
 *
 * - a raw `.evtx` file: this thread reads the 4 KiB file header and hands out ranges of chunks,
 *   which the runner's threads read from the file themselves (a chunk is self-contained);
 * - a text log, compressed or not: this thread decompresses it (a gzip or zstd stream can only be
 *   inflated from its start, and a member's end is only known by inflating it) and cuts it into
 *   records (the framing, which names each record's line and byte), and ships batches of the
 *   records' bytes; the runner's threads parse them, read their layout and match them.
 *
 * Each piece comes back as plain data (scanned-items.ts), and this thread takes them in order:
 * it numbers the items, runs what spans pieces (the EVTX loss counter and expansion ratio), counts
 * and keeps the first errors, and hands every match to the sink in order. At most
 * `runner.maxInFlight` pieces are out at once, so memory stays bounded whatever the object's size.
 *
 * Only for a detector whose `match` answers each event alone and without `crossObject`: scan-file
 * (lib/cli) keeps the others on `scanStream`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { EventSource, Match } from './match.ts';
import { CHUNK_SIZE } from '../evtx/chunk-stream.ts';
import { ExpansionBudget } from '../evtx/expansion-budget.ts';
import { FILE_HEADER_BLOCK_SIZE } from '../evtx/file-header.ts';
import { type EvtxFileHeader, LossCounter, missingChunks, readHeaderBlock } from '../evtx/read-evtx.ts';
import { checkDeadline, DeadlineExceededError } from '../ingest/deadline.ts';
import type { FramedRecord, FramingName } from '../ingest/framing/framed-record.ts';
import { InputError, type IngestItem } from '../ingest/ingest-item.ts';
import { resolveLimits } from '../ingest/limits.ts';
import { noRecords, openObject } from '../ingest/open-object.ts';
import type { RuleMeta } from '../rules/rule.ts';
import type { ObjectPiece, PieceContext, ScannedChunk, ScannedPiece } from './scan-piece.ts';
import { closeScan, countBytes, MAX_ERRORS_KEPT, type ObjectResult, type ScanCounts, type ScanOptions } from './scan-stream.ts';
import { NOTED_EVENT, PLAIN_EVENT, type ItemDetail, type ScannedItems, ScannedItemsBuilder, SKIPPED, UNREADABLE } from './scanned-items.ts';

/** The thread scanning a piece died (a bug, out of memory): the object fails with this reason. */
export class PieceThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PieceThreadError';
  }
}

/** Scans pieces somewhere (a worker thread, or this one when they are all busy). */
export interface PieceRunner {
  /** Rejects when the thread scanning it died: the object then fails, naming the reason. */
  run(piece: ObjectPiece, context: PieceContext): Promise<ScannedPiece>;
  /** Pieces out at once at most; the next is cut only when the first of them is folded. */
  readonly maxInFlight: number;
}

export type PieceSource =
  /** A raw `.evtx` file on disk (its chunks are read by offset, in any thread). */
  | { readonly kind: 'evtx-file'; readonly path: string; readonly size: number }
  /** Any other object, as its bytes. */
  | { readonly kind: 'stream'; readonly input: AsyncIterable<Uint8Array> };

export interface PieceScanOptions extends Omit<ScanOptions, 'crossObject'> {
  readonly runner: PieceRunner;
  /** Told the bytes read so far, for an EVTX file (a stream's bytes are counted by whoever gives them). */
  readonly onBytes?: (bytes: number) => void;
}

/** Chunks per EVTX piece (1 MiB); records per text piece at most, and bytes. */
export const EVTX_CHUNKS_PER_PIECE = 16;
export const RECORDS_PER_PIECE = 2048;
export const BYTES_PER_PIECE = 1 << 20;
/** What a file stream reads at a time (`createReadStream`'s default highWaterMark). */
const STREAM_PIECE = 65536;

export async function scanPieces(source: PieceSource, options: PieceScanOptions): Promise<ObjectResult> {
  const started = performance.now();
  const { uri, detector, sink } = options;
  const limits = resolveLimits(options.ingest ?? {});
  const deadline = options.deadline ?? options.ingest?.deadline;
  const context: PieceContext = { uri, limits, prefilter: options.prefilter !== false, ...(options.ingest?.layout ? { layout: options.ingest.layout } : {}) };
  const rulesById = new Map<string, RuleMeta>();
  for (const rule of detector.rules) if (!rulesById.has(rule.id)) rulesById.set(rule.id, rule);
  const fold = new ItemFold(uri, options.object, rulesById, sink.add.bind(sink));
  let fatal: Error | undefined;
  let deferred: DeadlineExceededError | undefined;
  let bytesIn = 0;
  const counted = source.kind === 'stream' ? countBytes(source.input) : undefined;
  try {
    if (source.kind === 'evtx-file') {
      const evtx = new EvtxFold(uri, source, limits, fold);
      try {
        for await (const scanned of inOrder(evtx.pieces(), (piece) => options.runner.run(piece, context), options.runner.maxInFlight)) {
          checkDeadline(deadline, uri, () => `record ${fold.index}`);
          if (scanned.kind !== 'evtx-chunks') throw new Error('an EVTX piece came back as records');
          await evtx.add(scanned.chunks);
          options.onRecords?.(fold.index);
          options.onBytes?.((bytesIn = evtx.bytesRead));
        }
        await evtx.finish();
      } finally {
        bytesIn = evtx.bytesRead;
      }
    } else {
      const ingest = { ...options.ingest, uri, ...(deadline ? { deadline } : {}) };
      const opened = await openObject(counted!, ingest);
      const scanned =
        opened.records === undefined
          ? matchHere(opened.items, new ScannedItemsBuilder(detector))
          : inOrder(recordPieces(opened.records(), opened.framing as Exclude<FramingName, 'evtx'>), (piece) => options.runner.run(piece, context), options.runner.maxInFlight);
      let pieces = 0;
      for await (const piece of scanned) {
        checkDeadline(deadline, uri, () => `record ${fold.index}`);
        if (piece.kind !== 'records') throw new Error('a text piece came back as EVTX chunks');
        pieces++;
        await fold.addItems(piece.items);
        options.onRecords?.(fold.index);
      }
      if (opened.records !== undefined && pieces === 0) throw noRecords(uri, opened.framing);
    }
  } catch (error) {
    if (error instanceof DeadlineExceededError) deferred = error;
    else {
      if (!(error instanceof InputError)) throw error;
      fatal = error;
      fold.note(error.message);
    }
  }
  // A file stopped early: one thread had read it through a stream of 64 KiB pieces (a file
  // stream's default), so up to the end of the piece holding the chunk it stopped in.
  if (source.kind === 'evtx-file' && (fatal || deferred)) bytesIn = Math.min(source.size, Math.ceil(bytesIn / STREAM_PIECE) * STREAM_PIECE);
  return closeScan({ uri, started, bytesIn: counted ? counted.bytes : bytesIn, counts: fold.counts, fatal, deferred, state: undefined, sink });
}

/**
 * Each piece through `run`, the results in piece order, at most `maxInFlight` out at once. A
 * piece's failure (its thread died) ends the scan; an error cutting the pieces (corrupt
 * compression, an oversized object) comes after the results of every piece cut before it, as
 * it would after their records in one thread.
 */
async function* inOrder(pieces: AsyncIterable<ObjectPiece>, run: (piece: ObjectPiece) => Promise<ScannedPiece>, maxInFlight: number): AsyncGenerator<ScannedPiece> {
  const queue: { promise: Promise<ScannedPiece>; done: boolean }[] = [];
  const submit = (piece: ObjectPiece) => {
    const entry = { promise: run(piece), done: false };
    // Settled ones are taken early, so alerts go out as soon as their turn comes; a rejection is
    // seen when its turn comes (and never reported unhandled if the scan ends before).
    entry.promise.then(() => (entry.done = true), () => (entry.done = true));
    queue.push(entry);
  };
  try {
    try {
      for await (const piece of pieces) {
        submit(piece);
        while (queue.length >= Math.max(1, maxInFlight) || queue[0]?.done) yield await queue.shift()!.promise;
      }
    } catch (error) {
      while (queue.length > 0) yield await queue.shift()!.promise;
      throw error;
    }
    while (queue.length > 0) yield await queue.shift()!.promise;
  } finally {
    for (const entry of queue) entry.promise.catch(() => undefined);
  }
}

/** Items that cannot be split (an `.evtx` inside gzip), matched here, a batch at a time. */
async function* matchHere(items: AsyncIterable<IngestItem>, builder: ScannedItemsBuilder): AsyncGenerator<ScannedPiece> {
  for await (const item of items) {
    builder.add(item);
    if (builder.count >= RECORDS_PER_PIECE) yield { kind: 'records', items: builder.take() };
  }
  if (builder.count > 0) yield { kind: 'records', items: builder.take() };
}

/** Framed records in batches: their bytes copied back to back into a buffer of their own (it may be transferred). */
async function* recordPieces(records: AsyncIterable<FramedRecord>, framing: Exclude<FramingName, 'evtx'>): AsyncGenerator<ObjectPiece> {
  let bytes = new Uint8Array(BYTES_PER_PIECE);
  let used = 0;
  let ends: number[] = [];
  let locations: string[] = [];
  let bad: { at: number; reason: string }[] = [];
  const take = (): ObjectPiece => {
    const piece: ObjectPiece = { kind: 'records', framing, bytes: bytes.subarray(0, used), ends: Uint32Array.from(ends), locations, bad };
    bytes = new Uint8Array(BYTES_PER_PIECE);
    used = 0;
    ends = [];
    locations = [];
    bad = [];
    return piece;
  };
  try {
    for await (const record of records) {
      const size = record.kind === 'record' ? record.bytes.length : 0;
      if (ends.length > 0 && (ends.length >= RECORDS_PER_PIECE || used + size > bytes.length)) yield take();
      if (size > bytes.length) bytes = new Uint8Array(size);
      if (record.kind === 'record') {
        bytes.set(record.bytes, used);
        used += size;
      } else {
        bad.push({ at: ends.length, reason: record.reason });
      }
      ends.push(used);
      locations.push(record.location);
    }
  } catch (error) {
    // Reading stopped (a corrupt or cut stream): the records framed before it are still read.
    if (ends.length > 0) yield take();
    throw error;
  }
  if (ends.length > 0) yield take();
}

/** Numbers items across pieces and folds them as scanStream's loop does. */
class ItemFold {
  index = 0;
  readonly counts: ScanCounts & { events: number; skipped: number; unreadable: number; warnings: number; duplicateKeys: number; matches: number } = {
    events: 0,
    skipped: 0,
    unreadable: 0,
    warnings: 0,
    duplicateKeys: 0,
    matches: 0,
    matchesByRule: {},
    errors: [],
  };

  private readonly uri: string;
  private readonly object: ScanOptions['object'];
  private readonly rules: ReadonlyMap<string, RuleMeta>;
  private readonly deliver: (match: Match) => Promise<void> | void;

  constructor(uri: string, object: ScanOptions['object'], rules: ReadonlyMap<string, RuleMeta>, deliver: (match: Match) => Promise<void> | void) {
    this.uri = uri;
    this.object = object;
    this.rules = rules;
    this.deliver = deliver;
  }

  note(message: string): void {
    if (this.counts.errors.length < MAX_ERRORS_KEPT) this.counts.errors.push(message);
  }

  /** Every item of a piece, in order. */
  async addItems(items: ScannedItems): Promise<void> {
    const { kinds, details } = items;
    let next = 0;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i]!;
      if (kind === UNREADABLE || kind === NOTED_EVENT) await this.addItem(kind, details[next++]);
      else this.addPlain(kind);
    }
  }

  /** A plain event or a skipped record: counted, nothing to wait for (most items). */
  addPlain(kind: number): void {
    this.index++;
    if (kind === PLAIN_EVENT) this.counts.events++;
    else this.counts.skipped++;
  }

  /** One item: `detail` for an unreadable or noted one. */
  async addItem(kind: number, detail: ItemDetail | undefined): Promise<void> {
    const index = this.index++;
    const { counts } = this;
    if (kind === PLAIN_EVENT) {
      counts.events++;
      return;
    }
    if (kind === SKIPPED) {
      counts.skipped++;
      return;
    }
    if (kind === UNREADABLE) {
      counts.unreadable++;
      this.note(detail?.error ?? `${this.uri}: record ${index}: unreadable`);
      return;
    }
    if (detail?.ruleError !== undefined) {
      counts.unreadable++;
      this.note(`${this.uri}: record ${index}: rules could not be evaluated on this event (${detail.ruleError})`);
      return;
    }
    counts.events++;
    if (detail?.warning !== undefined) {
      counts.warnings++;
      this.note(`warning: ${detail.warning}`);
    }
    if (detail?.duplicateKeys) counts.duplicateKeys++;
    if (!detail?.matches) return;
    const source: EventSource = { ...this.object, uri: this.uri, index };
    for (const match of detail.matches) {
      const rule = this.rules.get(match.rule);
      if (!rule) throw new Error(`a thread matched rule ${match.rule}, which this thread's pack does not hold`);
      counts.matches++;
      counts.matchesByRule[rule.id] = (counts.matchesByRule[rule.id] ?? 0) + 1;
      await this.deliver(match.fields === undefined ? { rule, event: match.event, source, evidence: match.evidence } : { rule, event: match.event, source, evidence: match.evidence, fields: match.fields });
    }
  }

  /** An unreadable item that is not a record's (an EVTX stretch): its error, as many times as it lost records. */
  async addStretch(message: string, lostRecords: number): Promise<void> {
    for (let lost = 0; lost < Math.max(1, lostRecords); lost++) await this.addItem(UNREADABLE, { at: 0, error: message });
  }
}

/** An EVTX chunk item as the loss counter sees it. */
type Entry =
  | { readonly kind: 'record'; readonly recordId: number; readonly chunk: ScannedChunk; readonly record: number }
  | { readonly kind: 'unreadable'; readonly lostRecords: number; readonly lossUnknown?: true; readonly message: string };

/**
 * What `readEvtxBatches` and `readEvtxItems` do across chunks, over the chunks the threads read:
 * the file header, the loss counter (a damaged chunk's losses are worked out from the record ids
 * on either side, which may be in other pieces), the object's expansion ratio (every chunk's
 * characters so far) and the chunks the header counts but the file does not hold.
 */
class EvtxFold {
  bytesRead = 0;
  #header: EvtxFileHeader | undefined;
  readonly #losses = new LossCounter<Entry>();
  readonly #budget: ExpansionBudget;
  #chunksRead = 0;
  #chunkCount = 0;

  private readonly uri: string;
  private readonly file: { readonly path: string; readonly size: number };
  private readonly fold: ItemFold;

  constructor(uri: string, file: { readonly path: string; readonly size: number }, limits: ConstructorParameters<typeof ExpansionBudget>[0], fold: ItemFold) {
    this.uri = uri;
    this.file = file;
    this.fold = fold;
    this.#budget = new ExpansionBudget(limits);
  }

  /** Reads the file header here (its problems are the first items), then hands out the chunks. */
  async *pieces(): AsyncGenerator<ObjectPiece> {
    const { path, size } = this.file;
    const head = Buffer.alloc(Math.min(size, FILE_HEADER_BLOCK_SIZE));
    const fd = openSync(path, 'r');
    try {
      let filled = 0;
      while (filled < head.length) {
        const n = readSync(fd, head, filled, head.length - filled, filled);
        if (n === 0) break;
        filled += n;
      }
    } finally {
      closeSync(fd);
    }
    const problems: { error: InputError; lostRecords: number }[] = [];
    this.#header = readHeaderBlock(head, this.uri, problems);
    for (const problem of problems) await this.fold.addStretch(problem.error.message, problem.lostRecords);
    this.bytesRead = head.length;
    this.#chunkCount = Math.max(0, Math.ceil((size - FILE_HEADER_BLOCK_SIZE) / CHUNK_SIZE));
    const chunkCount = this.#header?.chunkCount;
    for (let first = 0; first < this.#chunkCount; first += EVTX_CHUNKS_PER_PIECE) {
      yield { kind: 'evtx-chunks', path, first, end: Math.min(this.#chunkCount, first + EVTX_CHUNKS_PER_PIECE), fileSize: size, chunkCount };
    }
  }

  /** A piece's chunks, in order. Throws the expansion-ratio error after the items before it. */
  async add(chunks: readonly ScannedChunk[]): Promise<void> {
    for (const chunk of chunks) {
      const where = `chunk ${chunk.index} at offset 0x${chunk.offset.toString(16)}`;
      const bytesRead = chunk.offset + chunk.length;
      this.bytesRead = bytesRead;
      this.#chunksRead = chunk.index + 1;
      const entries = chunk.recordIds.length;
      const before = this.#budget.objectChars;
      // The ratio only grows within a chunk: when its last item does not break it, none does;
      // when it does, the chunk ends with the first item that does, and so does the file.
      const breaks = entries > 0 && this.#breaks(before + chunk.chars[entries - 1]!, bytesRead);
      let take = entries;
      if (breaks) {
        take = 0;
        while (!this.#breaks(before + chunk.chars[take]!, bytesRead)) take++;
        take++;
      }
      if (chunk.stretches.length === 0 && take > 0 && this.#losses.passRun(chunk.recordIds[take - 1]!)) {
        // Records only and nothing held: every item is the record's, in order.
        await this.#addRecords(chunk, 0, take);
      } else {
        const out: Entry[] = [];
        let stretch = 0;
        let record = 0;
        for (let i = 0; i < take; i++) {
          const s = chunk.stretches[stretch];
          if (s?.at === i) {
            stretch++;
            const message = new InputError(this.uri, s.location, s.reason).message;
            this.#losses.pass({ kind: 'unreadable', lostRecords: s.lostRecords, message, ...(s.lossUnknown ? { lossUnknown: true as const } : {}) }, out);
          } else {
            this.#losses.pass({ kind: 'record', recordId: chunk.recordIds[i]!, chunk, record: record++ }, out);
          }
        }
        await this.#addEntries(out);
      }
      if (take > 0) this.#budget.objectChars = before + chunk.chars[take - 1]!;
      // Throws the very error one thread throws, after the same items.
      if (breaks) this.#budget.checkObject(this.uri, bytesRead, where);
    }
  }

  /** The end of the file: chunks its header counts that it does not hold, losses still held. */
  async finish(): Promise<void> {
    const out: Entry[] = [];
    const missing = missingChunks(this.uri, this.#header, this.#chunksRead);
    if (missing) this.#losses.hold({ kind: 'unreadable', lostRecords: 0, lossUnknown: true, message: missing.error.message });
    this.#losses.finish(this.#header, out);
    await this.#addEntries(out);
  }

  #breaks(chars: number, bytesRead: number): boolean {
    const probe = new ExpansionBudget(this.#budget.limits);
    probe.objectChars = chars;
    try {
      probe.checkObject(this.uri, bytesRead, '');
      return false;
    } catch {
      return true;
    }
  }

  async #addEntries(entries: readonly Entry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.kind === 'unreadable') await this.fold.addStretch(entry.message, entry.lostRecords);
      else await this.#addRecords(entry.chunk, entry.record, entry.record + 1);
    }
  }

  /** Records `from` to `to` - 1 of a chunk (by their place among its records). */
  async #addRecords(chunk: ScannedChunk, from: number, to: number): Promise<void> {
    const { kinds, details } = chunk.items;
    // Details are in record order: find the first at or after `from`.
    let next = firstDetailAt(details, from);
    for (let r = from; r < to; r++) {
      const kind = kinds[r]!;
      if (kind === PLAIN_EVENT || kind === SKIPPED) this.fold.addPlain(kind);
      else await this.fold.addItem(kind, details[next]?.at === r ? details[next++] : undefined);
    }
  }
}

function firstDetailAt(details: readonly ItemDetail[], at: number): number {
  let lo = 0;
  let hi = details.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (details[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
