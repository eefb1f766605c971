/**
 * The CLI's machine-readable form of one match: one JSON object per line. The shape is a public
 * contract (scripts parse it), so it is built here in one place for stdout and file sinks alike.
 */
import type { FieldValue } from '../events/win-event.ts';
import type { Match } from '../scan/match.ts';
import { shownFields } from './event-facts.ts';

export interface MatchLine {
  readonly rule: { readonly id: string; readonly title: string; readonly level: string; readonly author: string };
  readonly source: { readonly uri: string; readonly index: number };
  readonly event: Readonly<Record<string, FieldValue>>;
}

export function toMatchLine(match: Match): MatchLine {
  const { rule, source } = match;
  return {
    rule: { id: rule.id, title: rule.title, level: rule.level, author: rule.author },
    source: { uri: source.uri, index: source.index },
    event: shownFields(match),
  };
}

/** JSON.stringify escapes every control character, so a line can never be split by event data. */
export function formatMatchLine(match: Match): string {
  return JSON.stringify(toMatchLine(match)) + '\n';
}
