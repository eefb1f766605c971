/**
 * Synthesises the real stack as `cdk synth` would: cdk.json's context plus overrides, the
 * AwsSolutions checks registered, offline. The function asset is the real bundle; it is built
 * once (scripts/build.ts) when absent, so the template's asset hash is that of what would deploy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from '../../infra/stack-config.ts';
import { WinsiftStack } from '../../infra/winsift-stack.ts';

export const ROOT = join(import.meta.dirname, '../..');
const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

export async function ensureFunctionBundle(): Promise<string> {
  const dir = join(ROOT, 'dist/functions/scan');
  if (!existsSync(join(dir, 'index.mjs'))) {
    const { buildAll } = await import('../../scripts/build.ts');
    await buildAll();
  }
  return dir;
}

export interface Synthesised {
  readonly app: App;
  readonly stack: WinsiftStack;
  readonly template: Template;
}

/** `extend` adds constructs before synthesis (e.g. a deliberately non-compliant one). */
export function synthStack(context: Record<string, unknown> = {}, extend?: (stack: WinsiftStack) => void): Synthesised {
  const app = new App({ context: { ...cdkJson.context, functionAssetDir: join(ROOT, 'dist/functions/scan'), ...context } });
  const config = readStackConfig((key) => app.node.tryGetContext(key));
  const stack = new WinsiftStack(app, 'Winsift', { config });
  extend?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth(); // throws when any AwsSolutions finding is not acknowledged
  return { app, stack, template: Template.fromStack(stack) };
}
