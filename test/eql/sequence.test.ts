/**
 * EQL sequences within a scan: join keys, maxspan, until, runs, the one-pending-sequence-per-stage
 * rule, and the evidence of every event in a completed sequence.
 */
import { describe, expect, it } from 'vitest';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { EqlDetector, EqlError, loadEqlRules } from '../../lib/eql/index.ts';
import { parseStatement } from '../../lib/eql/parser.ts';
import { SequenceMatcher } from '../../lib/eql/sequence.ts';

const T0 = Date.parse('2026-11-24T03:00:00Z');

function ecs(category: string, fields: Record<string, unknown>, secondsAfterT0 = 0): WinEvent {
  return { fields: {}, layout: 'ecs', raw: { '@timestamp': new Date(T0 + secondsAfterT0 * 1000).toISOString(), event: { category: [category] }, ...fields } };
}

function detectorFor(query: string): EqlDetector {
  const text = `[rule]
author = ["Test"]
description = "Sequence test."
language = "eql"
name = "Sequence test"
rule_id = "seq-1"
severity = "high"
type = "eql"
query = '''
${query}
'''
`;
  const { detector, errors } = loadEqlRules([{ path: 'seq.toml', text }]);
  expect(errors).toEqual([]);
  return detector as EqlDetector;
}

/** Feeds events in order; returns the indexes of the events that completed a sequence. */
function run(detector: EqlDetector, events: readonly WinEvent[]): number[] {
  detector.startScan();
  return events.flatMap((event, i) => (detector.match(event).length > 0 ? [i] : []));
}

const CMD_THEN_EXE = `sequence by host.id with maxspan=5m
  [process where process.name == "cmd.exe"]
  [file where file.extension == "exe"]`;
const cmd = (host: string, s = 0) => ecs('process', { host: { id: host }, process: { name: 'cmd.exe' } }, s);
const exe = (host: string, s = 0) => ecs('file', { host: { id: host }, file: { extension: 'exe', name: `x${s}.exe` } }, s);

describe('sequence by ... with maxspan', () => {
  const detector = detectorFor(CMD_THEN_EXE);

  it('matches stage one then stage two on the same key, on the completing event', () => {
    expect(run(detector, [cmd('h1', 0), exe('h1', 10)])).toEqual([1]);
  });
  it('needs the stages in order and on the same key', () => {
    expect(run(detector, [exe('h1', 0), cmd('h1', 10)])).toEqual([]);
    expect(run(detector, [cmd('h1', 0), exe('h2', 10)])).toEqual([]);
  });
  it('keys are kept apart', () => {
    expect(run(detector, [cmd('h1', 0), cmd('h2', 1), exe('h2', 2), exe('h1', 3)])).toEqual([2, 3]);
  });
  it('drops sequences longer than maxspan, measured from the first event', () => {
    expect(run(detector, [cmd('h1', 0), exe('h1', 300)])).toEqual([1]);
    expect(run(detector, [cmd('h1', 0), exe('h1', 301)])).toEqual([]);
  });
  it('a completed sequence is consumed', () => {
    expect(run(detector, [cmd('h1', 0), exe('h1', 1), exe('h1', 2)])).toEqual([1]);
  });
  it('startScan forgets what is pending', () => {
    detector.startScan();
    detector.match(cmd('h1', 0));
    expect(run(detector, [exe('h1', 1)])).toEqual([]);
  });
  it('explains with the evidence of every event, labelled with its stage', () => {
    detector.startScan();
    detector.match(cmd('h1', 0));
    const last = exe('h1', 10);
    const [rule] = detector.match(last);
    const evidence = detector.explain(rule!, last);
    expect(evidence).toContainEqual({ field: 'process.name', value: 'cmd.exe', test: '[1/2] process.name == "cmd.exe"' });
    expect(evidence).toContainEqual({ field: 'file.extension', value: 'exe', test: '[2/2] file.extension == "exe"' });
  });
  it('keeps one pending sequence per stage and key: the most recent', () => {
    const statement = parseStatement(CMD_THEN_EXE);
    if (statement.kind !== 'sequence') throw new Error('expected a sequence');
    const matcher = new SequenceMatcher(statement);
    const first = ecs('process', { host: { id: 'h1' }, process: { name: 'cmd.exe', pid: 1 } }, 0).raw;
    const second = ecs('process', { host: { id: 'h1' }, process: { name: 'cmd.exe', pid: 2 } }, 1).raw;
    expect(matcher.offer(first, ['process'])).toBeNull();
    expect(matcher.offer(second, ['process'])).toBeNull();
    const last = exe('h1', 2).raw;
    expect(matcher.offer(last, ['file'])).toEqual([second, last]);
  });
  it('ignores events that arrive older than the sequence so far', () => {
    expect(run(detector, [cmd('h1', 10), exe('h1', 5)])).toEqual([]);
  });
});

describe('until, runs, per-stage keys, optional keys', () => {
  it('until drops what is pending for its key', () => {
    const detector = detectorFor(`sequence by process.pid
      [process where event.type == "start"]
      [network where true]
    until [process where event.type == "end"]`);
    const start = ecs('process', { event: { category: ['process'], type: 'start' }, process: { pid: 7 } });
    const end = ecs('process', { event: { category: ['process'], type: 'end' }, process: { pid: 7 } });
    const net = ecs('network', { process: { pid: 7 } });
    expect(run(detector, [start, net])).toEqual([1]);
    expect(run(detector, [start, end, net])).toEqual([]);
    expect(run(detector, [start, net, end])).toEqual([1]);
  });

  it('with runs=N repeats a stage', () => {
    const detector = detectorFor(`sequence by host.id
      [authentication where event.outcome == "failure"] with runs=3
      [authentication where event.outcome == "success"]`);
    const auth = (outcome: string) => ecs('authentication', { host: { id: 'dc1' }, event: { category: ['authentication'], outcome } });
    expect(run(detector, [auth('failure'), auth('failure'), auth('success')])).toEqual([]);
    expect(run(detector, [auth('failure'), auth('failure'), auth('failure'), auth('success')])).toEqual([3]);
  });

  it('one event never fills two stages of the same sequence', () => {
    const detector = detectorFor('sequence [any where a == 1] [any where a == 1]');
    expect(run(detector, [ecs('x', { a: 1 })])).toEqual([]);
    expect(run(detector, [ecs('x', { a: 1 }), ecs('x', { a: 1 })])).toEqual([1]);
  });

  it('joins on per-stage keys: a file written, then run from the same path', () => {
    const detector = detectorFor(`sequence by host.id with maxspan=1h
      [file where event.type == "creation"] by file.path
      [process where event.type == "start"] by process.executable`);
    const written = ecs('file', { host: { id: 'h' }, event: { category: ['file'], type: 'creation' }, file: { path: 'C:\\\\Users\\\\a\\\\x.exe' } });
    const ran = (path: string) => ecs('process', { host: { id: 'h' }, event: { category: ['process'], type: 'start' }, process: { executable: path } }, 5);
    expect(run(detector, [written, ran('C:\\\\Users\\\\a\\\\x.exe')])).toEqual([1]);
    expect(run(detector, [written, ran('C:\\\\Users\\\\a\\\\y.exe')])).toEqual([]);
  });

  it('a plain join key must have a value; ?key may be null', () => {
    const plain = detectorFor('sequence by user.id [any where a == 1] [any where a == 2]');
    const optional = detectorFor('sequence by ?user.id [any where a == 1] [any where a == 2]');
    const events = [ecs('x', { a: 1 }), ecs('x', { a: 2 })];
    expect(run(plain, events)).toEqual([]);
    expect(run(optional, events)).toEqual([1]);
  });

  it('needs @timestamp to honour maxspan', () => {
    const detector = detectorFor('sequence with maxspan=1m [any where a == 1] [any where a == 2]');
    const noTime = (a: number): WinEvent => ({ fields: {}, layout: 'ecs', raw: { a } });
    expect(run(detector, [noTime(1), noTime(2)])).toEqual([]);
  });
});

describe('sequence syntax', () => {
  it('parses keys, maxspan units and stages', () => {
    const parsed = parseStatement('sequence by host.id, user.name with maxspan=30s [process where true] by process.pid [file where true] by process.pid');
    expect(parsed.kind).toBe('sequence');
    if (parsed.kind !== 'sequence') return;
    expect(parsed.maxspanMs).toBe(30_000);
    expect(parsed.stages.map((s) => s.keys.length)).toEqual([3, 3]);
    for (const [span, ms] of [['250ms', 250], ['2m', 120_000], ['1h', 3_600_000], ['1d', 86_400_000]] as const) {
      const p = parseStatement(`sequence with maxspan=${span} [any where true] [any where true]`);
      expect(p.kind === 'sequence' && p.maxspanMs).toBe(ms);
    }
  });

  it.each([
    ['sequence with maxspan=5 [any where true] [any where true]', /time span/],
    ['sequence with maxspan=5m by host.id [any where true] [any where true]', /before `with maxspan/],
    ['sequence [any where true]', /second sequence stage/],
    ['sequence [any where true] by a [any where true]', /same number of join keys/],
    ['sequence [any where true] [any where true] with runs=0', /run count/],
    ['sequence with maxspan=1h [any where true] ![any where true]', /missing-event stages/],
    ['sequence [any where true] [any where true] | head 1', /pipes/],
  ])('refuses %s', (query, reason) => {
    expect(() => parseStatement(query)).toThrow(EqlError);
    expect(() => parseStatement(query)).toThrow(reason);
  });

  it('still reads array indexes after fields', () => {
    const parsed = parseStatement('sequence by process.args[0] [any where true] [any where true]');
    expect(parsed.kind === 'sequence' && parsed.stages[0]?.keys[0]).toMatchObject({ type: 'field', path: ['process', 'args', 0] });
  });
});

describe('sequence memory', () => {
  it('keeps at most MAX_PENDING_KEYS join-key values, dropping the least recently used', async () => {
    const { MAX_PENDING_KEYS } = await import('../../lib/eql/sequence.ts');
    const statement = parseStatement('sequence by k [any where a == 1] [any where a == 2]');
    if (statement.kind !== 'sequence') throw new Error('expected a sequence');
    const matcher = new SequenceMatcher(statement);
    for (let k = 0; k <= MAX_PENDING_KEYS; k++) matcher.offer({ k, a: 1 }, undefined);
    expect(matcher.offer({ k: 0, a: 2 }, undefined)).toBeNull(); // the oldest was dropped
    expect(matcher.offer({ k: 1, a: 2 }, undefined)).not.toBeNull();
    expect(matcher.offer({ k: MAX_PENDING_KEYS, a: 2 }, undefined)).not.toBeNull();
  });
});
