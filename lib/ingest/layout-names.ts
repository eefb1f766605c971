/** The layout names a user may force (`--layout`, `INPUT_LAYOUT`), checked with a clear error. */
import type { LayoutName } from '../events/win-event.ts';

export const LAYOUT_NAMES: readonly LayoutName[] = [
  'ecs',
  'nxlog',
  'fluentbit',
  'event-xml',
  'evtx-json',
  'datadog',
  'panther',
  'cloudwatch',
];

export function parseLayoutName(text: string, source = 'layout'): LayoutName {
  const name = text.trim().toLowerCase();
  const found = LAYOUT_NAMES.find((layout) => layout === name);
  if (!found) throw new Error(`${source} '${text}' is not a layout; use one of: ${LAYOUT_NAMES.join(', ')}`);
  return found;
}
