/**
 * `winsift`: the local main job. Each sub-command is a module under commands/ exporting
 * `run(args): Promise<exitCode>`, loaded only when asked for so `winsift scan` starts fast.
 */
import { sanitiseDiagnostic } from '../alerts/sanitise.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  scan: { summary: 'scan files, directories or stdin with the bundled rules and print alerts', load: () => import('./commands/scan.ts') },
  inspect: { summary: 'show how a file is read: compression, framing, layout, events', load: () => import('./commands/inspect.ts') },
  rules: { summary: 'list the loaded rules, or lint rule files (rules list | rules lint [DIR])', load: () => import('./commands/rules.ts') },
  backfill: { summary: 're-scan an S3 prefix (Step Functions, or --local)', load: () => import('./commands/backfill.ts') },
};

export const USAGE = `usage: winsift <command> [options]

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

winsift <command> --help shows a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`winsift: unknown command '${sanitiseDiagnostic(name)}'\n\n${USAGE}`);
    return 1;
  }
  return (await command.load()).run(rest);
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(sanitiseDiagnostic(`winsift: ${error instanceof Error ? error.message : String(error)}`));
  return 1;
});
