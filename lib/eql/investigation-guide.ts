/**
 * Elastic rules carry their triage advice as a Markdown investigation guide (`note`). Alerts want
 * steps: the list items under the "investigation steps" and "response" headings (nesting kept as
 * two-space indents), and the false-positive advice separately. Osquery placeholders
 * (`$osquery_0`) are replaced by the query they stand for, from `[[transform.osquery]]`.
 */

export interface OsqueryTransform {
  readonly label: string;
  readonly query: string;
}

export interface InvestigationGuide {
  readonly triage: string[];
  readonly falsePositives: string[];
}

const TRIAGE_HEADING = /investigation steps|response|remediation|triage steps/i;
const FALSE_POSITIVE_HEADING = /false positive/i;

export function readInvestigationGuide(note: string, osquery: readonly OsqueryTransform[]): InvestigationGuide {
  const sections = new Map<string, string[]>();
  let heading = '';
  for (const line of note.split(/\r?\n/)) {
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title !== null) {
      heading = (title[1] ?? '').trim();
      continue;
    }
    const item = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (item === null) continue;
    const depth = Math.floor((item[1] ?? '').replace(/\t/g, '  ').length / 2);
    const text = substituteOsquery((item[2] ?? '').trim(), osquery);
    const list = sections.get(heading) ?? [];
    list.push(`${'  '.repeat(depth)}${text}`);
    sections.set(heading, list);
  }
  const collect = (pattern: RegExp): string[] =>
    [...sections.entries()].filter(([h]) => pattern.test(h)).flatMap(([, items]) => items);
  let triage = collect(TRIAGE_HEADING);
  // A guide without the usual headings: every list item is a step; no list at all: the paragraphs.
  if (triage.length === 0) triage = [...sections.entries()].filter(([h]) => !FALSE_POSITIVE_HEADING.test(h)).flatMap(([, items]) => items);
  if (triage.length === 0) {
    const prose = note.replace(/^#{1,6}\s.*$/gm, ''); // headings are titles, not steps
    triage = prose.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');
  }
  return { triage, falsePositives: collect(FALSE_POSITIVE_HEADING).map((s) => s.trim()) };
}

function substituteOsquery(text: string, osquery: readonly OsqueryTransform[]): string {
  return text.replace(/\$osquery_(\d+)/g, (whole, index: string) => {
    const transform = osquery[Number(index)];
    return transform === undefined ? whole : `${transform.label}: ${transform.query.replace(/\s+/g, ' ').trim()}`;
  });
}
