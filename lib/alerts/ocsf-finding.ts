/**
 * The structured alert: an OCSF Detection Finding (class 2004), so SIEMs and Security Lake read it
 * without an adapter. Where OCSF has no attribute (the S3 identity, event indexes, the trim
 * state) the facts go under `unmapped.winsift`.
 */
import packageJson from '../../package.json' with { type: 'json' };
import type { Level } from '../rules/rule.ts';
import type { Alert } from './alert.ts';
import { attackRefs } from './attack-tags.ts';
import { eventReadTime, eventTimeMs, shownFields } from './event-facts.ts';
import { truncate } from './sanitise.ts';
import { FULL, isTrimmed, limitFields, limitRaw, limitValue, type RenderLimits } from './render-limits.ts';

/** The OCSF schema version these findings follow. */
export const OCSF_VERSION = '1.3.0';
export const PRODUCT = { name: 'winsift', vendor_name: 'winsift', version: packageJson.version } as const;

const CLASS_UID = 2004;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY: Readonly<Record<Level, { readonly id: number; readonly name: string }>> = {
  informational: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

export function severityId(level: Level): number {
  return SEVERITY[level].id;
}

export type OcsfFinding = Record<string, unknown>;

export function toOcsfFinding(alert: Alert, limits: RenderLimits = FULL, now: () => number = Date.now): OcsfFinding {
  const { rule, object } = alert;
  const severity = SEVERITY[rule.level];
  const attacks = attackRefs(rule.tags);
  const times = alert.matches.map((m) => eventTimeMs(m.event)).filter((t): t is number => t !== undefined);
  const first = times.length > 0 ? Math.min(...times) : undefined;
  const last = times.length > 0 ? Math.max(...times) : undefined;
  const shown = alert.matches.slice(0, limits.maxEvents);
  const location = s3Location(alert);
  // Rule text is bounded only when trimming: a custom rule's description could be any size.
  const description = truncate(rule.description, Math.max(limits.maxValueChars, 1024));

  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Detection Finding: Create',
    severity_id: severity.id,
    severity: severity.name,
    status_id: 1,
    status: 'New',
    // The finding's time is when the (first) matched event happened; scan time only when unknown.
    time: first ?? now(),
    ...(first !== undefined && last !== undefined ? { start_time: first, end_time: last } : {}),
    count: alert.count,
    message: `${rule.title} on ${alert.host}`,
    metadata: {
      version: OCSF_VERSION,
      product: PRODUCT,
      uid: alert.id,
      log_name: object.uri,
      // The rule pack (name@hash) the rule came from: which rules were live when this fired.
      ...(rule.pack === undefined ? {} : { labels: [`winsift-rule-pack:${rule.pack}`] }),
    },
    finding_info: {
      uid: alert.id,
      title: rule.title,
      desc: description,
      types: [`${rule.language} rule match`],
      analytic: {
        uid: rule.id,
        name: rule.title,
        type_id: 1,
        type: 'Rule',
        category: rule.language,
        desc: description,
      },
      ...(first !== undefined && last !== undefined ? { first_seen_time: first, last_seen_time: last } : {}),
      attacks: toOcsfAttacks(attacks),
      data_sources: [object.uri],
    },
    device: { hostname: alert.host, type_id: 0, type: 'Unknown' },
    resources: [
      {
        type: location ? 'AWS::S3::Object' : 'File',
        uid: object.uri,
        name: object.key ?? object.uri,
        ...(location ? { data: location } : {}),
      },
    ],
    ...(rule.triage.length > 0 || rule.references.length > 0
      ? {
          remediation: {
            desc: rule.triage.length > 0 ? rule.triage.join('\n') : 'See the rule references.',
            references: [...rule.references],
          },
        }
      : {}),
    evidences: shown.map((match) => ({
      data: {
        event_index: match.source.index,
        matched: match.evidence
          .slice(0, Math.max(limits.maxFieldsPerEvent, 1))
          .map((e) => ({ field: e.field, value: limitValue(e.value, limits), test: truncate(e.test, limits.maxValueChars) })),
        fields: limitFields(shownFields(match), limits),
        layout: match.event.layout,
        ...timeEvidence(match),
        ...rawEvidence(match.event.raw, limits),
      },
    })),
    unmapped: {
      winsift: {
        alert_id: alert.id,
        source: { ...location, uri: object.uri },
        event_indexes: alert.matches.map((m) => m.source.index),
        count: alert.count,
        events_shown: shown.length,
        truncated: isTrimmed(limits),
        rule: {
          id: rule.id,
          author: rule.author,
          license: rule.license ?? 'unknown',
          references: [...rule.references],
          source: rule.source,
          level: rule.level,
          ...(rule.pack === undefined ? {} : { pack: rule.pack }),
        },
      },
    },
  };
}

/**
 * The event's own time: epoch ms when it says its zone; a zone-less time (NXLog `EventTime`)
 * as written under `time_unzoned`, never turned into a moment by guessing a zone.
 */
function timeEvidence(match: Alert['matches'][number]): { time?: number; time_unzoned?: string } {
  const time = eventReadTime(match.event);
  if (time === undefined) return {};
  return time.kind === 'zoned' ? { time: time.ms } : { time_unzoned: time.text };
}

/** The raw record, as much of it as the limits allow; omitted (and `truncated` set) when none. */
function rawEvidence(raw: unknown, limits: RenderLimits): { raw?: unknown } {
  const kept = limitRaw(raw, limits);
  return kept === undefined ? {} : { raw: kept };
}

/** Bucket, key, version and ETag of an S3 object, when the alert came from one. */
function s3Location(alert: Alert): Record<string, string> | undefined {
  const { bucket, key, versionId, etag } = alert.object;
  if (bucket === undefined || key === undefined) return undefined;
  return {
    bucket,
    key,
    ...(versionId === undefined ? {} : { version_id: versionId }),
    ...(etag === undefined ? {} : { etag }),
  };
}

/**
 * One OCSF attack per technique and tactic pair (OCSF 1.1+ gives an attack one `tactic`), a
 * technique alone when no tactic is tagged, a tactic alone when no technique is.
 */
function toOcsfAttacks(refs: ReturnType<typeof attackRefs>): Record<string, unknown>[] {
  const tactics = refs.tactics.map((t) => ({ name: t.name, ...(t.uid ? { uid: t.uid, src_url: t.url } : {}) }));
  if (refs.techniques.length === 0) return tactics.map((tactic) => ({ tactic }));
  return refs.techniques.flatMap((t) => {
    const technique = t.uid.includes('.')
      ? { sub_technique: { uid: t.uid, src_url: t.url }, technique: { uid: t.uid.split('.')[0] } }
      : { technique: { uid: t.uid, src_url: t.url } };
    return tactics.length === 0 ? [technique] : tactics.map((tactic) => ({ ...technique, tactic }));
  });
}
