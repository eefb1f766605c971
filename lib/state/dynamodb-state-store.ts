/**
 * The function's state store: one DynamoDB table (on-demand, TTL on `ttl`, created by the CDK app
 * and named by STATE_TABLE). Items: `pk` (S, partition), `sk` (S, sort), `v` (N, version), `ttl`
 * (N, epoch seconds), `b` (S, the JSON body).
 *
 * Every read is strongly consistent; `putIf` is a conditional PutItem on `v`, so decisions about
 * one group never lose an update; `putAll` is BatchWriteItem, 25 items a request, with the
 * unprocessed items sent again (backing off) until none are left.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type PutItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { emptyStats, type SortRange, type StateItem, type StateStore, type StoreStats, type VersionedItem } from './state-store.ts';

const BATCH_WRITE_MAX = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

export interface DynamoStoreOptions {
  readonly client: Pick<DynamoDBClient, 'send'>;
  readonly table: string;
  readonly nowSeconds?: () => number;
  /** Injected so tests need not wait between unprocessed-item rounds. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createDynamoStateStore(options: DynamoStoreOptions): StateStore {
  const { client, table } = options;
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const stats = emptyStats();
  const fail = (what: string, error: unknown): never => {
    throw new Error(`state table ${table}: ${what} failed: ${(error as Error).message}`, { cause: error });
  };

  const toItem = (item: StateItem, version: number): Record<string, AttributeValue> => ({
    pk: { S: item.pk },
    sk: { S: item.sk },
    v: { N: String(version) },
    ttl: { N: String(item.expiresAt) },
    b: { S: JSON.stringify(item.body) },
  });
  // DynamoDB's item size: attribute names and values, in bytes (numbers counted as their text).
  const sizeOf = (item: Record<string, AttributeValue>): number =>
    Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name) + Buffer.byteLength(v.S ?? v.N ?? ''), 0);
  const writeUnits = (item: Record<string, AttributeValue>) => Math.max(1, Math.ceil(sizeOf(item) / 1024));
  const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
  const fromItem = (item: Record<string, AttributeValue>): VersionedItem => ({
    pk: item['pk']?.S ?? '',
    sk: item['sk']?.S ?? '',
    version: Number(item['v']?.N ?? '0'),
    expiresAt: Number(item['ttl']?.N ?? '0'),
    body: JSON.parse(item['b']?.S ?? 'null') as unknown,
  });
  // TTL deletion lags (up to days): an expired item is treated as gone by every reader.
  const live = (item: VersionedItem): boolean => item.expiresAt >= now();

  const keyCondition = (pk: string, range: SortRange | undefined) => {
    const values: Record<string, AttributeValue> = { ':pk': { S: pk } };
    let expression = 'pk = :pk';
    if (range?.from !== undefined && range.to !== undefined) {
      expression += ' AND sk BETWEEN :from AND :to';
      values[':from'] = { S: range.from };
      values[':to'] = { S: range.to };
    } else if (range?.from !== undefined) {
      expression += ' AND sk >= :from';
      values[':from'] = { S: range.from };
    } else if (range?.to !== undefined) {
      expression += ' AND sk <= :to';
      values[':to'] = { S: range.to };
    }
    return { KeyConditionExpression: expression, ExpressionAttributeValues: values };
  };

  return {
    async putAll(all) {
      // BatchWriteItem refuses a request naming one key twice: the last write of a key wins, as it would in sequence.
      const items = [...new Map(all.map((item) => [JSON.stringify([item.pk, item.sk]), item])).values()];
      for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
        let requests: WriteRequest[] = items.slice(i, i + BATCH_WRITE_MAX).map((item) => ({ PutRequest: { Item: toItem(item, 1) } }));
        stats.itemsWritten += requests.length;
        for (const r of requests) stats.writeUnits += writeUnits(r.PutRequest!.Item!);
        for (let round = 0; requests.length > 0; round++) {
          if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error(`state table ${table}: ${requests.length} item(s) still unprocessed after ${round} BatchWriteItem rounds`);
          if (round > 0) await sleep(Math.min(2_000, 50 * 2 ** round));
          stats.writes++;
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } })).catch((e: unknown) => fail('BatchWriteItem', e));
          requests = out.UnprocessedItems?.[table] ?? [];
        }
      }
    },
    async get(pk, sk) {
      stats.reads++;
      const out = await client
        .send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))
        .catch((e: unknown) => fail('GetItem', e));
      stats.readUnits += readUnits(out.Item ? sizeOf(out.Item) : 0);
      if (!out.Item) return undefined;
      stats.itemsRead++;
      const item = fromItem(out.Item);
      return live(item) ? item : undefined;
    },
    async query(pk, range) {
      const found: StateItem[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        stats.reads++;
        const out = await client
          .send(
            new QueryCommand({
              TableName: table,
              ...keyCondition(pk, range),
              ConsistentRead: true,
              ScanIndexForward: !range?.descending,
              ...(range?.limit === undefined ? {} : { Limit: Math.max(1, range.limit - found.length) }),
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          )
          .catch((e: unknown) => fail('Query', e));
        stats.readUnits += readUnits((out.Items ?? []).reduce((n, raw) => n + sizeOf(raw), 0));
        for (const raw of out.Items ?? []) {
          stats.itemsRead++;
          const item = fromItem(raw);
          if (live(item)) found.push(item);
        }
        start = out.LastEvaluatedKey;
      } while (start !== undefined && (range?.limit === undefined || found.length < range.limit));
      return range?.limit === undefined ? found : found.slice(0, range.limit);
    },
    async count(pk, range) {
      let total = 0;
      let start: Record<string, AttributeValue> | undefined;
      do {
        stats.reads++;
        const out = await client
          .send(new QueryCommand({ TableName: table, ...keyCondition(pk, range), ConsistentRead: true, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }))
          .catch((e: unknown) => fail('Query (count)', e));
        total += out.Count ?? 0;
        stats.readUnits += readUnits((out.ScannedCount ?? 0) * 200);
        start = out.LastEvaluatedKey;
      } while (start !== undefined);
      return total;
    },
    async putIf(item, expected) {
      stats.writes++;
      const condition: Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
        expected === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now', ExpressionAttributeNames: { '#ttl': 'ttl' }, ExpressionAttributeValues: { ':now': { N: String(now()) } } }
          : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { N: String(expected) } } };
      const written = toItem(item, (expected ?? 0) + 1);
      // A write refused by its condition still consumes write units.
      stats.writeUnits += writeUnits(written);
      try {
        await client.send(new PutItemCommand({ TableName: table, Item: written, ...condition }));
        stats.itemsWritten++;
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
          stats.conflicts++;
          return false;
        }
        return fail('PutItem', error);
      }
    },
    async delete(pk, sk) {
      stats.writes++;
      stats.writeUnits++;
      await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } })).catch((e: unknown) => fail('DeleteItem', e));
    },
    stats: (): StoreStats => ({ ...stats }),
    async close() {},
  };
}
