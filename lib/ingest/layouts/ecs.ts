/**
 * Winlogbeat / Elastic Agent (ECS): Windows fields under `winlog.*`, EventData under
 * `winlog.event_data`. The raw record stays on the event so EQL rules can read ECS fields.
 */
import type { WinEvent } from '../../events/win-event.ts';
import { addDataItems, type MutableFields, pathValue, setField } from './canonical-fields.ts';
import { isRecord } from './record.ts';
import { stripSpacedNames } from './spaced-names.ts';

/**
 * Winlogbeat writes `winlog`; Elastic Defend (the data source of Elastic's endpoint rules) writes
 * none, but declares its ECS version and an `endpoint.*` data stream.
 */
export function isEcs(record: Record<string, unknown>): boolean {
  if (isRecord(record['winlog'])) return true;
  const ecs = record['ecs'];
  if (isRecord(ecs) && typeof ecs['version'] === 'string') return true;
  const dataset = pathValue(record, 'data_stream', 'dataset');
  return typeof dataset === 'string' && dataset.startsWith('endpoint.');
}

export function fromEcs(record: Record<string, unknown>): WinEvent {
  const winlog = isRecord(record['winlog']) ? record['winlog'] : {};
  const fields: MutableFields = {};
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
  addDataItems(fields, winlog['event_data']);
  addDataItems(fields, winlog['user_data'], false);
  stripSpacedNames(fields);
  return { fields, raw: record, layout: 'ecs' };
}
