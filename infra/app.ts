/**
 * The CDK app (cdk.json: `node infra/app.ts`). Every construct is checked by cdk-nag's
 * AwsSolutions pack; each accepted finding is acknowledged in infra/acknowledgments.ts with why.
 *
 * Run by the CDK CLI (`npx cdk synth`), context comes from the CLI. Run directly
 * (`node infra/app.ts`), it reads cdk.json's context itself and writes cdk.out/, so the
 * template can be synthesized offline without the CLI.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './stack-config.ts';
import { WinsiftStack } from './winsift-stack.ts';

const underCli = process.env['CDK_CONTEXT_JSON'] !== undefined || process.env['CDK_OUTDIR'] !== undefined;
const app = underCli
  ? new App()
  : new App({
      outdir: 'cdk.out',
      context: (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context,
    });
const config = readStackConfig((key) => app.node.tryGetContext(key));
new WinsiftStack(app, app.node.tryGetContext('stackName') ?? 'Winsift', {
  config,
  description: 'winsift: Sigma/EQL detections over Windows event logs landing in S3, alerts to SNS',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
