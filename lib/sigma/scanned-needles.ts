/**
 * Compiled tests answered by a field's shared Aho-Corasick scan (field-scanners.ts) instead of
 * searching the value: a single needle, or all of an item's needles at once.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { AhoCorasick } from './aho-corasick.ts';
import type { FieldTest, ValueTest } from './ast.ts';
import { needleOf, type FieldScanners } from './field-scanners.ts';
import type { Pattern } from './pattern.ts';

type Fields = Readonly<Record<string, FieldValue>>;
type Matcher = (fields: Fields) => boolean;

/**
 * All of an item's values that the field's scan answers, as one matcher (any of them, or all of
 * them with `all`). Undefined when fewer than two values qualify.
 */
export function scannedNeedles(test: FieldTest, values: readonly ValueTest[], scanners: FieldScanners): { matcher: Matcher; values: Set<ValueTest> } | undefined {
  const field = test.field;
  if (test.timePart) return undefined;
  const chosen = new Set<ValueTest>();
  const ids: number[] = [];
  const modes: number[] = [];
  let scanner: AhoCorasick | undefined;
  for (const value of values) {
    if (value.kind !== 'pattern' || value.cased) continue;
    const needle = needleOf(value.pattern);
    const ref = needle && scanners.lookup(field, needle.text);
    if (!needle || !ref) continue;
    scanner = ref.scanner;
    chosen.add(value);
    ids.push(ref.id);
    modes.push(needle.mode === 'contains' ? 0 : needle.mode === 'startswith' ? 1 : 2);
  }
  if (!scanner || chosen.size < 2) return undefined;
  const s = scanner;
  const scan = (fields: Fields, epoch: number): boolean => {
    if (field === null) s.scanAllValues(fields, epoch);
    else if (!Object.hasOwn(fields, field)) return false;
    else s.scanValue(fields[field], epoch);
    return true;
  };
  if (!test.all) {
    // Any of the needles: one gate that any sighting opens, read once instead of per needle.
    const gate = scanners.newGate();
    for (let k = 0; k < ids.length; k++) s.addGate(ids[k]!, modes[k] as 0 | 1 | 2, gate);
    const matcher: Matcher = (fields) => scan(fields, scanners.epoch) && scanners.gateOpen(gate);
    return { matcher, values: chosen };
  }
  const idList = Int32Array.from(ids);
  const modeList = Uint8Array.from(modes);
  const seen = (k: number, epoch: number): boolean => {
    const id = idList[k]!;
    const mode = modeList[k]!;
    return mode === 0 ? s.seenAnywhere(id, epoch) : mode === 1 ? s.seenAtStart(id, epoch) : s.seenAtEnd(id, epoch);
  };
  const matcher: Matcher = (fields) => {
    const epoch = scanners.epoch;
    if (!scan(fields, epoch)) return false;
    for (let k = 0; k < idList.length; k++) if (!seen(k, epoch)) return false;
    return true;
  };
  return { matcher, values: chosen };
}

/** A needle test answered by the field's shared Aho-Corasick scan. */
export function scannedNeedle(field: string | null, pattern: Pattern, scanners: FieldScanners): Matcher | undefined {
  const needle = needleOf(pattern);
  const ref = needle && scanners.lookup(field, needle.text);
  if (!needle || !ref) return undefined;
  const { scanner, id } = ref;
  const scan = (fields: Fields): boolean => {
    if (field === null) scanner.scanAllValues(fields, scanners.epoch);
    else if (!Object.hasOwn(fields, field)) return false;
    else scanner.scanValue(fields[field], scanners.epoch);
    return true;
  };
  switch (needle.mode) {
    case 'contains':
      return (fields) => scan(fields) && scanner.seenAnywhere(id, scanners.epoch);
    case 'startswith':
      return (fields) => scan(fields) && scanner.seenAtStart(id, scanners.epoch);
    case 'endswith':
      return (fields) => scan(fields) && scanner.seenAtEnd(id, scanners.epoch);
  }
}
