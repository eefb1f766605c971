/**
 * `winsift`: the local main job. Each sub-command is a module under commands/, loaded only when
 * asked for so `winsift scan` starts fast. People run `start.mjs` (the npm script, the bin),
 * which checks the Node version first; this module is the CLI itself.
 */
import { sanitiseDiagnostic } from '../alerts/sanitise.ts';
import { endQuietlyOnClosedPipe } from './closed-pipe.ts';
import { defineGroup } from './command.ts';
import { EXIT } from './exit-status.ts';
import { version } from './version.ts';

export const WINSIFT = defineGroup({
  name: '',
  summary: 'Sigma and EQL detections over Windows event logs',
  description: 'Sigma and EQL detections over Windows event logs: files, directories, stdin or S3.',
  commands: {
    scan: { summary: 'scan files, directories or stdin with the rules; alerts to stdout', load: () => import('./commands/scan.ts') },
    inspect: { summary: 'show how a file is read: compression, framing, layout, events', load: () => import('./commands/inspect.ts') },
    rules: { summary: 'list, lint (and more) the rules: winsift rules --help', load: () => import('./commands/rules.ts') },
    backfill: { summary: 're-scan an S3 prefix (Step Functions, or --local)', load: () => import('./commands/backfill.ts') },
  },
  epilogue: `winsift --version prints the version.
exit status: 0 done, 1 usage error, 2 some input (a log, a rule) was bad; see the README.`,
});

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  return WINSIFT.run(argv);
}

/** The process around `main`: closed pipes end quietly, the exit status is `main`'s. */
export async function start(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  process.exitCode = await main(argv).catch((error: unknown) => {
    // Not a usage error and not bad input (both are answered where they happen): a bug or an outage.
    const detail = error instanceof Error ? (process.env['WINSIFT_DEBUG'] ? error.stack : error.message) : String(error);
    process.stderr.write(`winsift: ${sanitiseDiagnostic(detail ?? '', 20_000)}\n`);
    return EXIT.usage;
  });
}

// `node lib/cli/winsift.ts ...` runs it too (tests, Node 24 users); start.mjs calls start().
if (import.meta.main) await start();
