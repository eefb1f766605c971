/**
 * Compiled tests answered by a field's shared Aho-Corasick scan (field-scanners.ts) instead of
 * searching the value: a single needle, or all of an item's needles at once. A `windash` value
 * is several needles (one per dash), any of which is a match: those are read through a gate.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { AhoCorasick, ScanMode } from './aho-corasick.ts';
import type { FieldTest, ValueTest } from './ast.ts';
import { needleOf, scanMode, type FieldScanners } from './field-scanners.ts';
import type { Pattern } from './pattern.ts';

type Fields = Readonly<Record<string, FieldValue>>;
type Matcher = (fields: Fields) => boolean;

/** One rule value as scan sightings: any of `ids`, seen in `mode`. */
interface ScannedValue {
  readonly scanner: AhoCorasick;
  readonly ids: readonly number[];
  readonly mode: ScanMode;
}

function scannedValue(field: string | null, pattern: Pattern, scanners: FieldScanners): ScannedValue | undefined {
  const needle = needleOf(pattern);
  if (!needle) return undefined;
  const refs = needle.texts.map((text) => scanners.lookup(field, text));
  if (refs.length === 0 || refs.some((ref) => !ref)) return undefined;
  const mode = scanMode(needle.mode);
  return { scanner: refs[0]!.scanner, ids: refs.map((ref) => ref!.id), mode };
}

/** A gate that any of `values`' sightings opens. */
function gateOf(values: readonly ScannedValue[], scanners: FieldScanners): number {
  const gate = scanners.newGate();
  for (const v of values) for (const id of v.ids) v.scanner.addGate(id, v.mode, gate);
  return gate;
}

/** Scans the field (once per event); false when the field is absent. */
function scanField(field: string | null, scanner: AhoCorasick, fields: Fields, epoch: number): boolean {
  if (field === null) scanner.scanAllValues(fields, epoch);
  else if (!Object.hasOwn(fields, field)) return false;
  else scanner.scanValue(fields[field], epoch);
  return true;
}

/**
 * All of an item's values that the field's scan answers, as one matcher (any of them, or all of
 * them with `all`). Undefined when fewer than two values qualify.
 */
export function scannedNeedles(test: FieldTest, values: readonly ValueTest[], scanners: FieldScanners): { matcher: Matcher; values: Set<ValueTest> } | undefined {
  const field = test.field;
  if (test.timePart) return undefined;
  const chosen = new Set<ValueTest>();
  const scanned: ScannedValue[] = [];
  for (const value of values) {
    if (value.kind !== 'pattern' || value.cased) continue;
    const s = scannedValue(field, value.pattern, scanners);
    if (!s) continue;
    chosen.add(value);
    scanned.push(s);
  }
  if (chosen.size < 2) return undefined;
  const scanner = scanned[0]!.scanner;
  if (!test.all) {
    // Any of the needles: one gate that any sighting opens, read once instead of per needle.
    const gate = gateOf(scanned, scanners);
    const matcher: Matcher = (fields) => scanField(field, scanner, fields, scanners.epoch) && scanners.gateOpen(gate);
    return { matcher, values: chosen };
  }
  // Every value: one gate per value (a value may be several windash needles).
  const gates = Int32Array.from(scanned, (v) => gateOf([v], scanners));
  const matcher: Matcher = (fields) => {
    if (!scanField(field, scanner, fields, scanners.epoch)) return false;
    for (let k = 0; k < gates.length; k++) if (!scanners.gateOpen(gates[k]!)) return false;
    return true;
  };
  return { matcher, values: chosen };
}

/** A needle test answered by the field's shared Aho-Corasick scan. */
export function scannedNeedle(field: string | null, pattern: Pattern, scanners: FieldScanners): Matcher | undefined {
  const value = scannedValue(field, pattern, scanners);
  if (!value) return undefined;
  const { scanner, ids, mode } = value;
  const scan = (fields: Fields): boolean => scanField(field, scanner, fields, scanners.epoch);
  if (ids.length > 1) {
    const gate = gateOf([value], scanners);
    return (fields) => scan(fields) && scanners.gateOpen(gate);
  }
  const id = ids[0]!;
  switch (mode) {
    case 0:
      return (fields) => scan(fields) && scanner.seenAnywhere(id, scanners.epoch);
    case 1:
      return (fields) => scan(fields) && scanner.seenAtStart(id, scanners.epoch);
    case 2:
      return (fields) => scan(fields) && scanner.seenAtEnd(id, scanners.epoch);
    case 3:
      return (fields) => scan(fields) && scanner.seenWhole(id, scanners.epoch);
  }
}
