/**
 * EQL sequences over the events of a scan, as Elasticsearch runs them: a state machine per
 * join-key value where each stage holds at most one pending sequence (a newer one replaces it),
 * events taken in the order they arrive, `with maxspan` measured on `@timestamp` from the first
 * event, and `until` dropping what is pending for its key.
 *
 * `classify` says what an event does (pure); `SequenceState` is the state machine, shared with
 * lib/state/store-sequences.ts, which replays stored hits across objects by the same rules.
 * State lives until `reset()`. Pending sequences are bounded: at most MAX_PENDING_KEYS join-key
 * values per rule, the least recently touched dropped first.
 */
import { readTime, zonedTimeMs } from '../events/event-time.ts';
import type { FieldValue } from '../events/win-event.ts';
import type { Evidence, SequenceStageHit } from '../rules/rule.ts';
import type { FieldNode, Node, SequenceQuery, SequenceStage } from './ast.ts';
import { distinctFields } from './alert-fields.ts';
import { compileNode } from './compile.ts';
import { fieldsOf } from './explain.ts';
import { fieldGetter } from './ecs-document.ts';
import { compileEventQuery, type CompiledQuery } from './query.ts';
import { scalar } from './values.ts';

export const MAX_PENDING_KEYS = 10_000;

/** What one event does to a sequence rule (the type lives with the Detector interface). */
export type SequenceHit = SequenceStageHit;

interface Partial<T> {
  readonly items: readonly T[];
  readonly firstTime: number | null;
  readonly lastTime: number | null;
}

interface Stage {
  readonly query: CompiledQuery;
  readonly keys: readonly ((doc: unknown) => FieldValue | undefined)[];
  /** `?field` keys may be null; plain keys must have a value. */
  readonly optional: readonly boolean[];
}

const readTimestamp = fieldGetter(['@timestamp']);

/** `@timestamp` in epoch ms. A zone-less one is UTC, as Elasticsearch reads dates, never the
 *  scanning machine's local time. */
export function eventTime(doc: unknown): number | null {
  const value = scalar(readTimestamp(doc));
  if (typeof value === 'number') return value;
  const time = readTime(value);
  if (time === undefined) return null;
  return time.kind === 'zoned' ? time.ms : (zonedTimeMs(`${time.text}Z`) ?? null);
}

/**
 * The state machine of one sequence rule, over items of any kind (the matcher's documents, or
 * lib/state's stored hits replayed across objects), so both follow the same rules.
 */
export class SequenceState<T> {
  /** Join-key value -> the pending sequence that has completed stage i, per i. */
  private pending = new Map<string, (Partial<T> | undefined)[]>();
  private readonly stageCount: number;
  private readonly maxspanMs: number | null;

  constructor(stageCount: number, maxspanMs: number | null) {
    this.stageCount = stageCount;
    this.maxspanMs = maxspanMs;
  }

  /** Applies one event's hit; returns the items of the sequence it completes, or null. */
  advance(hit: SequenceHit, item: T): readonly T[] | null {
    if (hit.untilKey !== null) {
      this.pending.delete(hit.untilKey);
      return null;
    }
    let completed: readonly T[] | null = null;
    const { time } = hit;
    const last = this.stageCount - 1;
    // Last stage first, so one event cannot pass through two stages of the same sequence.
    for (const { stage: i, key } of hit.stages) {
      if (i === 0) {
        this.slots(key)[0] = { items: [item], firstTime: time, lastTime: time };
        continue;
      }
      const slots = this.pending.get(key);
      const before = slots?.[i - 1];
      if (slots === undefined || before === undefined) continue;
      if (!this.fits(before, time)) {
        if (this.maxspanMs !== null && !this.withinSpan(before, time)) slots[i - 1] = undefined;
        continue;
      }
      slots[i - 1] = undefined;
      const next: Partial<T> = { items: [...before.items, item], firstTime: before.firstTime, lastTime: time ?? before.lastTime };
      if (i === last) completed = next.items;
      else this.slots(key)[i] = next;
    }
    return completed;
  }

  /** The next event must not be older than the last one, and must fall within maxspan. */
  private fits(before: Partial<T>, time: number | null): boolean {
    if (time !== null && before.lastTime !== null && time < before.lastTime) return false;
    return this.maxspanMs === null || this.withinSpan(before, time);
  }

  private withinSpan(before: Partial<T>, time: number | null): boolean {
    return time !== null && before.firstTime !== null && time - before.firstTime <= (this.maxspanMs as number);
  }

  /** The slots of a key, marked most recently used; the least recent key goes past the bound. */
  private slots(key: string): (Partial<T> | undefined)[] {
    let slots = this.pending.get(key);
    if (slots !== undefined) this.pending.delete(key);
    slots ??= new Array<Partial<T> | undefined>(this.stageCount);
    this.pending.set(key, slots);
    if (this.pending.size > MAX_PENDING_KEYS) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    return slots;
  }
}

export class SequenceMatcher {
  readonly query: SequenceQuery;
  private readonly stages: readonly Stage[];
  private readonly until: Stage | null;
  private state: SequenceState<unknown>;

  constructor(query: SequenceQuery) {
    this.query = query;
    this.stages = query.stages.map(compileStage);
    this.until = query.until === null ? null : compileStage(query.until);
    this.state = new SequenceState(this.stages.length, query.maxspanMs);
  }

  /** Every field the stages, their join keys and `until` read, once each. */
  fields(): FieldNode[] {
    const stages = [...this.query.stages, ...(this.query.until ? [this.query.until] : [])];
    return distinctFields(stages.flatMap((stage) => [...stage.keys.flatMap(fieldsOf), ...fieldsOf(stage.query.condition)]));
  }

  get stageCount(): number {
    return this.stages.length;
  }

  reset(): void {
    this.state = new SequenceState(this.stages.length, this.query.maxspanMs);
  }

  /** The event categories of every stage and of `until`: an event of none of them changes nothing. */
  categories(): (string | null)[] {
    return [...this.stages, ...(this.until ? [this.until] : [])].map((stage) => stage.query.category);
  }

  /** What one ECS document does to this rule, without changing any state; null when nothing. */
  classify(doc: unknown, category: unknown): SequenceHit | null {
    if (this.until !== null && this.until.query.matchesWithCategory(doc, category)) {
      const key = joinKey(this.until, doc);
      return key === null ? null : { untilKey: key, stages: [], time: eventTime(doc) };
    }
    let stages: Array<{ stage: number; key: string }> | undefined;
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const stage = this.stages[i] as Stage;
      if (!stage.query.matchesWithCategory(doc, category)) continue;
      const key = joinKey(stage, doc);
      if (key !== null) (stages ??= []).push({ stage: i, key });
    }
    return stages === undefined ? null : { untilKey: null, stages, time: eventTime(doc) };
  }

  /** Feeds one ECS document; returns the documents of the sequence it completes, or null. */
  offer(doc: unknown, category: unknown): readonly unknown[] | null {
    const hit = this.classify(doc, category);
    return hit === null ? null : this.state.advance(hit, doc);
  }

/** Evidence for a completed sequence: each stage's own evidence, labelled with its place. */
  explain(docs: readonly unknown[]): Evidence[] {
    const count = this.stages.length;
    return docs.flatMap((doc, i) =>
      (this.stages[i]?.query.explain(doc) ?? []).map((e) => ({ ...e, test: `[${i + 1}/${count}] ${e.test}` })),
    );
  }
}

function compileStage(stage: SequenceStage): Stage {
  return {
    query: compileEventQuery(stage.query),
    keys: stage.keys.map((key) => compileNode(key).evaluate),
    optional: stage.keys.map((key) => isOptionalField(key)),
  };
}

function isOptionalField(node: Node): boolean {
  return node.type === 'field' && (node as FieldNode).optional;
}

/** The join-key values as one string, or null when a required key has no value. */
function joinKey(stage: Stage, doc: unknown): string | null {
  if (stage.keys.length === 0) return '';
  const values: FieldValue[] = [];
  for (let k = 0; k < stage.keys.length; k++) {
    const value = scalar((stage.keys[k] as (doc: unknown) => FieldValue | undefined)(doc));
    if (value === null && !stage.optional[k]) return null;
    values.push(value);
  }
  return JSON.stringify(values);
}
