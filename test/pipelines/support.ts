/**
 * Each built-in pipeline (`pipelines/*.yml`) tested on its own: read from its file, applied alone
 * (`pipelines: [that one]`), to hand-written rules and to events in the layouts real Windows
 * writes (the canonical Sigma view: System fields + EventData by name).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FieldValue, WinEvent } from '../../lib/events/win-event.ts';
import type { Detector, RuleError } from '../../lib/rules/rule.ts';
import { loadSigmaRules, type SigmaOptions } from '../../lib/sigma/index.ts';
import { parsePipeline, type ProcessingPipeline } from '../../lib/sigma/pipelines/index.ts';

export const RULE_ID = '00000000-0000-4000-8000-0000000000b1';

/** A built-in pipeline, parsed from its file as the loader does. */
export function builtin(name: string): ProcessingPipeline {
  const path = fileURLToPath(new URL(`../../pipelines/${name}.yml`, import.meta.url));
  return parsePipeline(readFileSync(path, 'utf8'), `builtin:${name}.yml`);
}

/** One rule (logsource + detection, YAML) compiled with exactly the given pipelines. */
export function compile(logsource: string, detection: string, pipelines: readonly ProcessingPipeline[]): { detector: Detector; errors: RuleError[] } {
  const indent = (text: string, by: string) => text.trim().split('\n').map((l) => `${by}${l}`).join('\n');
  const text = `title: Built-in pipeline test rule\nid: ${RULE_ID}\nlevel: high\nauthor: winsift tests\nlogsource:\n${indent(logsource, '    ')}\ndetection:\n${indent(detection, '    ')}\n`;
  const options: SigmaOptions = { pipelines };
  return loadSigmaRules([{ path: 'builtin-pipeline-test.yml', text }], options);
}

/** How many times the test rule fires over these events (0 or 1 each: copies never double up). */
export function fires(detector: Detector, ...events: Array<Record<string, FieldValue>>): number {
  return events.filter((fields) => detector.match(event(fields)).some((r) => r.id === RULE_ID)).length;
}

export function event(fields: Record<string, FieldValue>): WinEvent {
  return { fields, raw: fields, layout: 'evtx-json' };
}

/** The System part every event read from a real log carries. */
export function system(channel: string, eventId: number, provider: string, computer = 'FS03.offsec.lan'): Record<string, FieldValue> {
  return {
    Provider_Name: provider,
    EventID: eventId,
    Version: 2,
    Level: 0,
    Task: 13312,
    Opcode: 0,
    Keywords: '0x8020000000000000',
    TimeCreated_SystemTime: '2021-10-19T14:45:18.182918Z',
    EventRecordID: 60412,
    Execution_ProcessID: 4,
    Execution_ThreadID: 2880,
    Channel: channel,
    Computer: computer,
  };
}
