/**
 * Rule packs in the CDK app: a runtime pack (a bucket the stack creates, or an existing object)
 * is readable by exactly that object, alarmed when refused, and cdk-nag clean; a build-time
 * pack (`-c rulePack=DIR`) is precompiled into the function asset, and that asset, run as
 * Lambda runs it, alerts on a rule only the pack holds.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_PACK_FILE } from '../../lib/rules/bundled-pack.ts';
import { s3Notification } from '../deploy/aws-events.ts';
import { lambdaContext, ruleOf, startHarness, type Harness } from '../deploy/fauxqs-harness.ts';
import { bits16403, gzipLines } from '../deploy/winlogbeat-events.ts';
import { bitsRule, tempTree, type TempTree } from '../rules/support.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { ensureFunctionBundle, synthStack } from './synth-stack.ts';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

function readPolicyResources(template: ReturnType<typeof synthStack>['template']): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.values(policies).flatMap((p) =>
    ((p.Properties['PolicyDocument'] as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement ?? [])
      .filter((s) => JSON.stringify(s.Action) === '"s3:GetObject"')
      .map((s) => s.Resource),
  );
}

let tree: TempTree;
const assetDirs: string[] = [];
beforeAll(async () => {
  await ensureFunctionBundle();
  tree = tempTree();
}, 180_000);
afterAll(() => {
  tree?.remove();
  // The packed assets synthesis wrote beside dist/functions/scan.
  for (const dir of assetDirs) rmSync(dir, { recursive: true, force: true });
});

describe('a runtime rule pack', () => {
  it('in a bucket the stack creates: read on exactly the pack object, RULES_S3_URI set, refusals alarmed', () => {
    const { template, stack } = synthStack({ rulePackBucket: 'create', rulesRefreshSeconds: 120 });
    const buckets = template.findResources('AWS::S3::Bucket') as Resources;
    const packBucket = Object.keys(buckets).find((id) => id.startsWith('RulePackBucket'))!;
    expect(packBucket).toBeDefined();
    expect(buckets[packBucket]!.Properties).toMatchObject({ VersioningConfiguration: { Status: 'Enabled' } });
    expect(readPolicyResources(template)).toContainEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [packBucket, 'Arn'] }, '/rule-packs/winsift.json']] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RULES_S3_URI: { 'Fn::Join': ['', ['s3://', { Ref: packBucket }, '/rule-packs/winsift.json']] }, RULES_REFRESH_SECONDS: '120' }) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RulePackRejected', Namespace: 'winsift', Threshold: 0 });
    template.hasOutput('RulePackUri', {});
    expect(stack.scan.rulePackVersion).toBeUndefined();
  }, 180_000); // the first synthesis of a process loads aws-cdk-lib and cdk-nag: slow on a busy machine

  it('an existing object: read on exactly that key', () => {
    const { template } = synthStack({ rulesS3Uri: 's3://corp-detections/packs/winsift.json' });
    expect(readPolicyResources(template)).toContainEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::corp-detections/packs/winsift.json']],
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).some((id) => id.startsWith('RulePackBucket'))).toBe(false);
  }, 120_000);

  it('an existing object under a customer KMS key: decrypt through S3, for that object only', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab';
    const { template } = synthStack({ rulesS3Uri: 's3://corp-detections/packs/winsift.json', rulePackKmsKeyArn: keyArn });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown; Condition?: Record<string, Record<string, unknown>> }[] } } }).Properties.PolicyDocument.Statement,
    );
    const decrypt = statements.filter((s) => s.Resource === keyArn);
    expect(decrypt).toHaveLength(1);
    expect(decrypt[0]!.Action).toBe('kms:Decrypt');
    expect(JSON.stringify(decrypt[0]!.Condition!['StringEquals']!['kms:ViaService'])).toContain('s3.');
    expect(JSON.stringify(decrypt[0]!.Condition!['ForAnyValue:StringEquals']!['kms:EncryptionContext:aws:s3:arn'])).toContain('corp-detections/packs/winsift.json');
    // Without the context no statement names a foreign key.
    const plain = synthStack({ rulesS3Uri: 's3://corp-detections/packs/winsift.json' }).template;
    expect(JSON.stringify(plain.toJSON())).not.toContain('kms:EncryptionContext:aws:s3:arn');
  }, 180_000);

  it('without one: no pack permission, no alarm, no variable', () => {
    const { template } = synthStack({});
    expect(JSON.stringify(template.toJSON())).not.toContain('RULES_S3_URI');
    expect(JSON.stringify(template.toJSON())).not.toContain('RulePackRejected');
  }, 120_000);

  it('bad context is refused with the key', () => {
    expect(() => synthStack({ rulesS3Uri: 'corp-detections/pack.json' })).toThrow(/context rulesS3Uri: .* is not s3:\/\/bucket\/key/);
    expect(() => synthStack({ rulePackBucket: 'yes' })).toThrow(/context rulePackBucket/);
    expect(() => synthStack({ rulePackBucket: 'create', rulesS3Uri: 's3://a-b/c' })).toThrow(/give one/);
    expect(() => synthStack({ rulesS3Uri: 's3://a-b/c', rulePackKmsKeyArn: 'alias/packs' })).toThrow(/context rulePackKmsKeyArn: .* is not a KMS key ARN/);
    expect(() => synthStack({ rulePackBucket: 'create', rulePackKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' })).toThrow(/only with rulesS3Uri/);
  }, 120_000);
});

describe('a build-time pack (-c rulePack)', () => {
  let aws: Harness;
  beforeAll(async () => {
    aws = await startHarness({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
    await aws.createBucket('asset-logs');
  }, 60_000);
  afterAll(async () => aws?.stop());

  /** Copies the synthesized asset alone (as Lambda unpacks it) and runs its handler on one object. */
  async function runAsset(assetDir: string, key: string, body: Uint8Array): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-asset-'));
    try {
      cpSync(assetDir, dir, { recursive: true });
      const { handler } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      await aws.put('asset-logs', key, body);
      await handler(s3Notification([{ bucket: 'asset-logs', key, size: body.byteLength }]), lambdaContext());
      return (await aws.drainAlerts()).map(ruleOf);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a rule directory: precompiled into the asset, next to the bundled rules, and it alerts', async () => {
    tree.write('corp/rules/c2.yml', bitsRule('00000000-0000-4000-8000-0000000000c2', 'corp-c2.example'));
    const { stack } = synthStack({ rulePack: join(tree.dir, 'corp/rules') });
    assetDirs.push(stack.scan.assetDir);
    expect(stack.scan.rulePackVersion).toMatch(/^rules@[0-9a-f]{12}$/);
    expect(existsSync(join(stack.scan.assetDir, FUNCTION_PACK_FILE))).toBe(true);
    const alerts = await runAsset(stack.scan.assetDir, 'ecs/corp.json.gz', gzipLines([bits16403('http://45.33.32.156/corp-c2.example/a.exe')]));
    // The pack's own rule, and the bundled direct-IP rules beside it.
    expect(alerts).toContain('00000000-0000-4000-8000-0000000000c2');
    expect(alerts).toContain('90f138c1-f578-4ac3-8c49-eecfd847c8b7');
  }, 180_000);

  it('a broken rule fails the synth, listing it', () => {
    tree.write('broken/rules/bad.yml', bitsRule('00000000-0000-4000-8000-0000000000ba', 'x').replace('RemoteName|contains', 'RemoteName|frobnicate'));
    expect(() => synthStack({ rulePack: join(tree.dir, 'broken/rules') })).toThrow(/1 rule\(s\) cannot be loaded[\s\S]*bad\.yml: 00000000-0000-4000-8000-0000000000ba: .*frobnicate/);
  }, 120_000);

  describeShared('SigmaHQ rules/windows', () => {
    it('the asset alerts on a SigmaHQ-only detection (regression event, raw .evtx)', async () => {
      const { stack } = synthStack({ rulePack: sharedPath('corpus', 'sigma', 'rules', 'windows') });
      assetDirs.push(stack.scan.assetDir);
      const evtx = sharedPath(
        'corpus/sigma/regression_data/rules/windows/process_creation/proc_creation_win_amsi_registry_tampering/7dbbcac2-57a0-45ac-b306-ff30a8bd2981.evtx',
      );
      const { readFileSync } = await import('node:fs');
      const alerts = await runAsset(stack.scan.assetDir, 'evtx/amsi.evtx', readFileSync(evtx));
      expect(alerts).toContain('7dbbcac2-57a0-45ac-b306-ff30a8bd2981');
    }, 600_000);
  });
});
