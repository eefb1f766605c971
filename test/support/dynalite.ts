/**
 * DynamoDB for tests: dynalite started on 127.0.0.1 and a random port, reached through the real
 * @aws-sdk/client-dynamodb (`AWS_ENDPOINT_URL_DYNAMODB`, as the SDK reads it), with the state table.
 */
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_KEY } from '../../lib/state/state-table.ts';

const require = createRequire(import.meta.url);

export interface Dynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  createStateTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs?: number }) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = endpoint;
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    endpoint,
    client,
    async createStateTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: STATE_TABLE_KEY.partition, AttributeType: 'S' },
            { AttributeName: STATE_TABLE_KEY.sort, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: STATE_TABLE_KEY.partition, KeyType: 'HASH' },
            { AttributeName: STATE_TABLE_KEY.sort, KeyType: 'RANGE' },
          ],
        }),
      );
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
