/**
 * The table that carries detection state across objects (lib/state): correlation windows and
 * suppression windows. On-demand (traffic follows log volume, no capacity plan), TTL on `ttl`
 * (items expire once their windows and the lateness bound are past), encrypted with a KMS key,
 * point-in-time recovery on. Its name reaches the function as STATE_TABLE.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { STATE_TABLE_KEY, STATE_TABLE_TTL_ATTRIBUTE } from '../lib/state/state-table.ts';

/** What the scan function does to the table (lib/state/dynamodb-state-store.ts), and nothing more. */
export const STATE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'];

export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: STATE_TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: STATE_TABLE_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // State rebuilds itself from the next objects; keeping a table nobody reads costs money.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
