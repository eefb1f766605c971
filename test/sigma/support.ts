/** Builds one-rule files from a detection written in YAML, for tests. */
import type { FieldValue, WinEvent } from '../../lib/events/win-event.ts';
import type { Detector, RuleError } from '../../lib/rules/rule.ts';
import { loadSigmaRules, type SigmaOptions } from '../../lib/sigma/index.ts';
import { vi } from 'vitest';

export const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

export function ruleText(detection: string, logsource = 'product: windows', extra = ''): string {
  const indented = detection.trim().split('\n').map((l) => `    ${l}`).join('\n');
  return `title: Test rule\nid: 00000000-0000-4000-8000-000000000001\nlevel: medium\nlogsource:\n    ${logsource.split('\n').join('\n    ')}\ndetection:\n${indented}\n${extra}`;
}

export function compileOne(detection: string, options: SigmaOptions = {}, logsource?: string): { detector: Detector; errors: RuleError[] } {
  return loadSigmaRules([{ path: 'test.yml', text: ruleText(detection, logsource) }], options);
}

export function event(fields: Record<string, FieldValue>): WinEvent {
  return { fields, raw: fields, layout: 'evtx-json' };
}

/** A matcher over plain field maps for a detection that must compile. */
export function matcher(detection: string, options: SigmaOptions = {}, logsource?: string): (fields: Record<string, FieldValue>) => boolean {
  const { detector, errors } = compileOne(detection, options, logsource);
  if (errors.length > 0) throw new Error(`expected the rule to compile: ${JSON.stringify(errors)}`);
  return (fields) => detector.match(event(fields)).length > 0;
}

export function compileError(detection: string, options: SigmaOptions = {}, logsource?: string): RuleError {
  const { errors } = compileOne(detection, options, logsource);
  if (errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(errors)}`);
  return errors[0]!;
}

/** What a command writes to stdout and stderr, captured (restore with vi.restoreAllMocks). */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}
