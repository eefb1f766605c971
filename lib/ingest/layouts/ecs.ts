/**
 * Winlogbeat / Elastic Agent (ECS): Windows fields under `winlog.*`, EventData under
 * `winlog.event_data`. The raw record stays on the event so EQL rules can read ECS fields.
 */
import type { WinEvent } from '../../events/win-event.ts';
import { addDataItems, type MutableFields, pathValue, setField } from './canonical-fields.ts';
import { isRecord, nameMap } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

/**
 * Winlogbeat and Elastic Agent's Windows integrations write `winlog` (Agent also a `data_stream`,
 * `windows.*` or `system.security`); Elastic Defend (the data source of Elastic's endpoint rules) writes
 * none, but `ecs.version` and an `endpoint.*` data stream. Documents exported or re-shipped
 * without that metadata (Kibana or `_search` exports, Logstash outputs) still carry ECS's own
 * categorisation, `event.category`, on a host whose `host.os` says Windows: enough to be sure.
 */
export function isEcs(record: Record<string, unknown>): boolean {
  if (isRecord(record['winlog'])) return true;
  const ecs = record['ecs'];
  if (isRecord(ecs) && typeof ecs['version'] === 'string') return true;
  const dataset = pathValue(record, 'data_stream', 'dataset');
  if (typeof dataset === 'string' && AGENT_DATASET.test(dataset)) return true;
  return hasEventCategory(record) && isWindowsHost(record);
}

/** Elastic Defend's `endpoint.events.*` / `endpoint.alerts`, and Agent's Windows integration
 *  (`system.*` is not enough alone: Agent's System integration also ships Linux logs). */
const AGENT_DATASET = /^(?:endpoint|windows)\./;

function hasEventCategory(record: Record<string, unknown>): boolean {
  const category = pathValue(record, 'event', 'category');
  return typeof category === 'string' || (Array.isArray(category) && category.length > 0 && category.every((c) => typeof c === 'string'));
}

/** `host.os.type` (ECS 1.8+), or `family` / `platform` as older agents wrote it. */
function isWindowsHost(record: Record<string, unknown>): boolean {
  const os = pathValue(record, 'host', 'os');
  if (!isRecord(os)) return false;
  return [os['type'], os['family'], os['platform']].some((v) => typeof v === 'string' && v.toLowerCase() === 'windows');
}

export function fromEcs(record: Record<string, unknown>): WinEvent {
  const winlog = isRecord(record['winlog']) ? record['winlog'] : {};
  const fields: MutableFields = nameMap();
  // Older Winlogbeat and some pipelines only fill `event.code`.
  setField(fields, 'EventID', winlog['event_id'] ?? pathValue(record, 'event', 'code'));
  setField(fields, 'Channel', winlog['channel']);
  setField(fields, 'Provider_Name', winlog['provider_name']);
  setField(fields, 'Provider_Guid', winlog['provider_guid']);
  setField(fields, 'Computer', winlog['computer_name'] ?? pathValue(record, 'host', 'name'));
  setField(fields, 'EventRecordID', winlog['record_id']);
  setField(fields, 'Version', winlog['version']);
  setField(fields, 'Execution_ProcessID', pathValue(winlog, 'process', 'pid'));
  setField(fields, 'Execution_ThreadID', pathValue(winlog, 'process', 'thread', 'id'));
  setField(fields, 'Security_UserID', pathValue(winlog, 'user', 'identifier'));
  setField(fields, 'Correlation_ActivityID', winlog['activity_id']);
  setField(fields, 'TimeCreated_SystemTime', record['@timestamp']);
  // `winlog.task`, `opcode`, `keywords` and `log.level` are rendered names, not the numbers the
  // Sigma view holds, so they are left to EQL through the raw record.
  // Checking names as they are copied: a pass over the finished view cost a fifth of ECS reading.
  const spaced = addDataItems(fields, winlog['event_data']);
  if (addDataItems(fields, winlog['user_data'], false) || spaced) stripSpacedNames(fields);
  return { fields, raw: record, layout: 'ecs' };
}
