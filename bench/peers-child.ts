/**
 * Run in its own process by peers.ts (bundled with esbuild first, as the Lambda is), so its CPU
 * and peak RSS are winsift's alone, measured the way the peer's are:
 *
 *   peers-child.mjs sigma RULES_DIR FILE.ndjson   # load the rules, scan the file, count matches per rule
 *   peers-child.mjs sigma-pack PACK FILE.ndjson   # the same from a compiled pack, as the function loads one
 *   peers-child.mjs evtx PASSES FILE...           # read every .evtx file PASSES times
 *
 * Prints one JSON line: what was read, the matches per rule id, and this process's CPU and peak RSS.
 */
import { createReadStream } from 'node:fs';
import { CountingSink } from './counting-sink.ts';

const [mode, ...rest] = process.argv.slice(2);

function usage(): never {
  process.stderr.write('usage: peers-child sigma RULES_DIR FILE | sigma-pack PACK FILE | evtx PASSES FILE...\n');
  process.exit(1);
}

function report(figures: Record<string, unknown>): void {
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({
      ...figures,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      // resourceUsage().maxRSS is in KiB.
      peakRssMB: usage.maxRSS / 1024,
    })}\n`,
  );
}

if (mode === 'sigma' || mode === 'sigma-pack') {
  const [rules, file] = rest;
  if (!rules || !file) usage();
  const { scanStream } = await import('../lib/scan/scan-stream.ts');
  const { loadPackContent, loadRulePack } = await import('../lib/rules/rule-pack.ts');
  let pack: import('../lib/rules/rule-pack.ts').RulePack;
  if (mode === 'sigma') {
    const { readRuleDir } = await import('../lib/rules/read-rule-dir.ts');
    pack = loadRulePack(readRuleDir(rules));
  } else {
    // As lib/rules/bundled-pack.ts loadFunctionPack reads the pack a deployment carries.
    const { readFileSync } = await import('node:fs');
    const { readCompiledPack } = await import('../lib/rules/compiled-pack.ts');
    const compiled = readCompiledPack(readFileSync(rules, 'utf8'), rules);
    pack = loadPackContent(compiled.content, compiled.version);
  }
  const loadCpuSeconds = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  const { summary } = await scanStream(createReadStream(file), {
    uri: file,
    detector: pack.detector,
    sink: new CountingSink(),
  });
  report({
    rules: pack.detector.rules.length,
    ruleErrors: pack.errors.length,
    events: summary.events + summary.skipped,
    unreadable: summary.unreadable,
    matches: summary.matches,
    matchesByRule: summary.matchesByRule,
    loadCpuSeconds,
  });
} else if (mode === 'evtx') {
  const [passes, ...files] = rest;
  if (!passes || files.length === 0) usage();
  // The reader as a consumer that takes whole chunks uses it: its own reused-buffer file reads,
  // one asynchronous step per chunk (lib/evtx/README.md).
  const { readEvtxBatches, readEvtxFilePieces } = await import('../lib/evtx/read-evtx.ts');
  let records = 0;
  let failed = 0;
  for (let pass = 0; pass < Number(passes); pass++) {
    for (const file of files) {
      for await (const batch of readEvtxBatches(readEvtxFilePieces(file), file)) {
        for (const item of batch) {
          if (item.kind === 'record') records++;
          else failed++;
        }
      }
    }
  }
  report({ records, failed });
} else {
  usage();
}
