/**
 * The alert topic: KMS-encrypted with its own key (rotated), TLS-only, and the e-mail
 * subscriptions with a filter policy on the `severity` message attribute that every alert
 * carries (lib/alerts/message-attributes.ts). CloudWatch alarm notifications carry no attributes,
 * so the policy also admits messages without `severity`: operators get alarms whatever the threshold.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Level } from '../lib/rules/rule.ts';

export interface AlertTopicProps {
  readonly emails: readonly string[];
  readonly emailLevels: readonly Level[];
}

export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'winsift alert topic encryption',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to the topic, so it must be able to use the key
    // (the statement SNS documents for AWS services publishing to encrypted topics).
    // Only this account's alarms may use it: the conditions keep the service principal from
    // acting for another account's alarms (the confused-deputy conditions AWS recommends).
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'winsift alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    props.emails.forEach((email, i) => {
      new sns.CfnSubscription(this, `Email${i}`, {
        topicArn: this.topic.topicArn,
        protocol: 'email',
        endpoint: email,
        filterPolicyScope: 'MessageAttributes',
        filterPolicy: { $or: [{ severity: [...props.emailLevels] }, { severity: [{ exists: false }] }] },
      });
    });
  }
}
