/**
 * Which layout a parsed record is in, decided per record (one object may mix shippers), or the
 * layout the user forced. Order matters: the nested, unambiguous shapes are tried before the flat
 * ones, which differ only by a few key names.
 */
import type { LayoutName, WinEvent } from '../../events/win-event.ts';
import { fromDatadog, isDatadog } from './datadog.ts';
import { fromEcs, isEcs } from './ecs.ts';
import { fromEvtxJson, isEvtxJson } from './evtx-json.ts';
import { fromFluentBit, isFluentBit } from './fluentbit.ts';
import { fromNxlog, isNxlog } from './nxlog.ts';
import { fromPanther, isPanther } from './panther.ts';
import { isRecord } from './record.ts';

interface Layout {
  readonly name: LayoutName;
  matches(record: Record<string, unknown>): boolean;
  read(record: Record<string, unknown>): WinEvent;
}

/** Layouts that map one JSON object to one event, in detection order. */
export const JSON_LAYOUTS: readonly Layout[] = [
  { name: 'evtx-json', matches: isEvtxJson, read: fromEvtxJson },
  { name: 'ecs', matches: isEcs, read: fromEcs },
  { name: 'datadog', matches: isDatadog, read: fromDatadog },
  // The flat layouts: StringInserts and ExtraEventData are decisive, NXLog is what remains.
  { name: 'fluentbit', matches: isFluentBit, read: fromFluentBit },
  { name: 'panther', matches: isPanther, read: fromPanther },
  { name: 'nxlog', matches: isNxlog, read: fromNxlog },
];

export type LayoutResult = { readonly event: WinEvent } | { readonly reason: string };

/** Reads one parsed JSON record as a canonical event, or says why it is not one. */
export function readJsonRecord(record: unknown, forced?: LayoutName): LayoutResult {
  if (!isRecord(record)) {
    return { reason: `expected a JSON object, found ${Array.isArray(record) ? 'an array' : typeof record}` };
  }
  if (forced) {
    const layout = JSON_LAYOUTS.find((l) => l.name === forced);
    if (!layout) return { reason: `layout ${forced} does not apply to JSON records` };
    if (!layout.matches(record)) return { reason: `record is not in the forced layout ${forced} (${describeKeys(record)})` };
    return { event: layout.read(record) };
  }
  for (const layout of JSON_LAYOUTS) {
    if (layout.matches(record)) return { event: layout.read(record) };
  }
  return { reason: `record is not a Windows event in any known layout (${describeKeys(record)})` };
}

function describeKeys(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 8).join(', ');
  return keys.length === 0 ? 'empty object' : `keys: ${shown}${keys.length > 8 ? `, ... (${keys.length})` : ''}`;
}
