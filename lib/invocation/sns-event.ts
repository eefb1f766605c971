/** SNS -> Lambda: `{"Records":[{"EventSource":"aws:sns","Sns":{"MessageId","Message",...}}]}`. */
import { isObject, requireArray, requireObject, requireString } from './fields.ts';
import { mergeLists, type ObjectList } from './invocation.ts';
import { objectsFromMessageBody } from './message-body.ts';

export function isSnsEvent(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value['Records'])) return false;
  const first: unknown = value['Records'][0];
  return isObject(first) && first['EventSource'] === 'aws:sns';
}

export function objectsFromSnsEvent(event: unknown): ObjectList {
  const records = requireArray(requireObject(event, 'SNS event')['Records'], 'SNS event: Records');
  return mergeLists(
    records.map((value, i) => {
      const sns = requireObject(requireObject(value, `SNS event: Records[${i}]`)['Sns'], `SNS event: Records[${i}].Sns`);
      const where = `SNS message ${String(sns['MessageId'] ?? i)}`;
      return objectsFromMessageBody(requireString(sns['Message'], `${where}: Message`), where);
    }),
  );
}
