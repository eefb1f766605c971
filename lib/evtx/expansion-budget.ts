/**
 * How much text EVTX records may render to. A template is stored once per chunk and filled per
 * record, and templates, nested BinXML values and substitutions can each be referenced many
 * times, so a few KiB can describe gigabytes of text (4 records of a 68 KB file rendering to
 * ~480 M characters each). Every character and name the resolver puts out is counted:
 *
 * - per record (`maxRecordExpansion`): the record over budget stops where it is and is reported
 *   unreadable with its offset; the rest of the file is read;
 * - per object (`maxExpansionRatio`, characters per byte of the file, judged after 8 MiB): the
 *   file stops with an `InputError`, like a decompression bomb.
 */
import { InputError } from '../ingest/ingest-item.ts';
import { DEFAULT_LIMITS, RATIO_CHECK_AFTER_BYTES } from '../ingest/limits.ts';

/** One record rendered past its budget: the chunk reader reports the record, not the file. */
export class RecordBudgetError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordBudgetError';
  }
}

export interface ExpansionLimits {
  readonly maxRecordExpansion: number;
  readonly maxExpansionRatio: number;
}

export class ExpansionBudget {
  readonly limits: ExpansionLimits;
  /** Characters rendered so far by every record of the object. */
  objectChars = 0;
  #recordLeft = 0;
  #recordStart = 0;

  constructor(limits: ExpansionLimits) {
    this.limits = limits;
  }

  startRecord(): void {
    this.#recordLeft = this.limits.maxRecordExpansion;
    this.#recordStart = this.objectChars;
  }

  /** Counts `chars` rendered characters; throws once the record is over its budget. */
  spend(chars: number): void {
    this.#recordLeft -= chars;
    this.objectChars += chars;
    if (this.#recordLeft < 0) {
      throw new RecordBudgetError(`record renders to more than maxRecordExpansion (${this.limits.maxRecordExpansion} characters); stopped there`);
    }
  }

  /** Characters the current record rendered. */
  get recordChars(): number {
    return this.objectChars - this.#recordStart;
  }

  /** Throws when the object as a whole renders out of proportion to the `bytesRead` of its file. */
  checkObject(uri: string, bytesRead: number, where: string): void {
    if (this.objectChars <= RATIO_CHECK_AFTER_BYTES) return;
    const ratio = this.objectChars / Math.max(1, bytesRead);
    if (ratio > this.limits.maxExpansionRatio) {
      throw new InputError(
        uri,
        where,
        `EVTX templates render ${this.objectChars} characters from ${bytesRead} bytes (${ratio.toFixed(0)}:1), ` +
          `above maxExpansionRatio (${this.limits.maxExpansionRatio}:1); treated as an expansion bomb`,
      );
    }
  }
}

/** The budget when none is given (tests, tools reading one file): the ingest defaults. */
export function defaultExpansionBudget(): ExpansionBudget {
  return new ExpansionBudget(DEFAULT_LIMITS);
}
