/**
 * What matching a run of an object's items (one piece of it: a batch of text records, a range of
 * EVTX chunks) says about them, as plain data that crosses `postMessage`: for every item its kind
 * and, for the few that are more than a plain event nothing matched, the details (the error or
 * warning text, the matches with their evidence). Items are numbered within the piece; the thread
 * that puts the pieces back in order (scan-pieces.ts) numbers them within the object and folds
 * them exactly as `scanStream` folds the items it matches itself.
 *
 * Only for detectors whose `match` answers each event alone (`Detector.keepsState` false): an
 * EQL sequence or a Sigma correlation needs the object's events in order, on one thread.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { IngestItem } from '../ingest/ingest-item.ts';
import type { Detector, Evidence } from '../rules/rule.ts';
import { matchAlternates } from './scan-stream.ts';

/** An event nothing matched, read without a warning: the common case, one byte and no details. */
export const PLAIN_EVENT = 0;
export const SKIPPED = 1;
export const UNREADABLE = 2;
/** An event with details: a warning, repeated keys, matches, or rules that threw on it. */
export const NOTED_EVENT = 3;

export interface ItemDetail {
  /** The item's number within its piece. */
  readonly at: number;
  /** Unreadable: the InputError's message. */
  readonly error?: string;
  /** The rules threw on this event (`Error: reason`): counted unreadable, as scanStream does. */
  readonly ruleError?: string;
  /** The warning's message (invalid UTF-8, a repeated key). */
  readonly warning?: string;
  readonly duplicateKeys?: true;
  readonly matches?: readonly ItemMatch[];
}

/** One match, its rule by id (each thread has its own RuleMeta objects of one pack). */
export interface ItemMatch {
  readonly rule: string;
  readonly event: WinEvent;
  readonly evidence: readonly Evidence[];
  readonly fields?: Readonly<Record<string, FieldValue>>;
}

export interface ScannedItems {
  /** One of the kinds above per item, in order. */
  readonly kinds: Uint8Array;
  /** For each item that is not a plain event or skipped, in order. */
  readonly details: readonly ItemDetail[];
}

/** Collects what the items of one piece come to, one item at a time. */
export class ScannedItemsBuilder {
  #kinds = new Uint8Array(1024);
  #count = 0;
  readonly #details: ItemDetail[] = [];
  readonly #detector: Detector;

  constructor(detector: Detector) {
    this.#detector = detector;
  }

  get count(): number {
    return this.#count;
  }

  /** Matches `item` (its `index` is ignored: items are numbered in the order they are added). */
  add(item: IngestItem): void {
    const at = this.#count;
    if (item.kind === 'skipped') return this.#push(SKIPPED);
    if (item.kind === 'unreadable') {
      this.#details.push({ at, error: item.error.message });
      return this.#push(UNREADABLE);
    }
    const detector = this.#detector;
    let hits;
    let alternateHits;
    try {
      hits = detector.match(item.event);
      if (item.alternates) [hits, alternateHits] = matchAlternates(detector, hits, item.alternates);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#details.push({ at, ruleError: message });
      return this.#push(NOTED_EVENT);
    }
    if (hits.length === 0 && alternateHits === undefined && item.warning === undefined && !item.duplicateKeys) return this.#push(PLAIN_EVENT);
    const matches: ItemMatch[] = [];
    const matched = [...hits.map((rule) => ({ rule, event: item.event })), ...(alternateHits ?? []).flatMap(({ event, rules }) => rules.map((rule) => ({ rule, event })))];
    for (const { rule, event } of matched) {
      if (detector.alertsAlone?.(rule) === false) continue;
      const fields = detector.alertFields?.(rule, event);
      const evidence = detector.explain(rule, event);
      matches.push(fields === undefined ? { rule: rule.id, event, evidence } : { rule: rule.id, event, evidence, fields });
    }
    this.#details.push({
      at,
      ...(item.warning ? { warning: item.warning.message } : {}),
      ...(item.duplicateKeys ? { duplicateKeys: true as const } : {}),
      ...(matches.length > 0 ? { matches } : {}),
    });
    this.#push(NOTED_EVENT);
  }

  /** What was added, the builder emptied for the next piece. */
  take(): ScannedItems {
    const out = { kinds: this.#kinds.slice(0, this.#count), details: this.#details.splice(0) };
    this.#count = 0;
    return out;
  }

  #push(kind: number): void {
    if (this.#count === this.#kinds.length) {
      const grown = new Uint8Array(this.#kinds.length * 2);
      grown.set(this.#kinds);
      this.#kinds = grown;
    }
    this.#kinds[this.#count++] = kind;
  }
}
