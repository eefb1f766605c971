/**
 * The cooperative deadline of one scan. CPU-bound work (inflating, framing, rendering EVTX
 * templates, matching) never yields to a timer, so a Lambda deadline enforced by `setTimeout`
 * alone would fire only after the work is done, or never; instead the scan loop and the byte
 * meter ask `check` between records and chunks, and reading stops with `DeadlineExceededError`
 * when the time is up. The scan then delivers what it found and reports the object deferred.
 */
export class DeadlineExceededError extends Error {
  readonly uri: string;
  /** Where reading stopped: `record 12`, `decompressed byte 8388608`, ... */
  readonly location: string;

  constructor(uri: string, location: string, reason: string) {
    super(`${uri}: ${location}: ${reason}`);
    this.name = 'DeadlineExceededError';
    this.uri = uri;
    this.location = location;
  }
}

export interface Deadline {
  /** `Date.now()` value at which reading must stop. */
  readonly at: number;
  /** Why there is a deadline, for the message: `the invocation's time (3000 ms margin)`. */
  readonly reason: string;
}

/** A deadline `ms` from now. */
export function deadlineIn(ms: number, reason: string): Deadline {
  return { at: Date.now() + ms, reason };
}

/** Throws when `deadline` has passed. Cheap (one clock read): called per record and per chunk. */
export function checkDeadline(deadline: Deadline | undefined, uri: string, where: () => string): void {
  if (deadline !== undefined && Date.now() >= deadline.at) {
    throw new DeadlineExceededError(uri, where(), `deadline reached (${deadline.reason}): reading stopped`);
  }
}
