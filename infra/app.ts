/**
 * `npx cdk synth` entry point (cdk.json: `node infra/app.ts`). Every construct is checked by
 * cdk-nag's AwsSolutions pack; each accepted finding is suppressed next to its resource with why.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './stack-config.ts';
import { WinsiftStack } from './winsift-stack.ts';

const app = new App();
const config = readStackConfig((key) => app.node.tryGetContext(key));
new WinsiftStack(app, app.node.tryGetContext('stackName') ?? 'Winsift', {
  config,
  description: 'winsift: Sigma/EQL detections over Windows event logs landing in S3, alerts to SNS',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
