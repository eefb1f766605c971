/** The real CLI as a child process: what a user's shell sees (stdout, stderr, status, signal). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = new URL('../../..', import.meta.url).pathname;
export const CLI = join(ROOT, 'lib/cli/start.mjs');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; node?: string; entry?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [options.entry ?? CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(options.input ?? '');
  });
}

export function jsonLines(text: string): Record<string, any>[] {
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}
