/**
 * The CLI as a process, as the README states it: help on every command, --version, exit statuses,
 * errors that name the option or file, stdout carrying only data, directory scans that skip and
 * count what is not a log, and a closed pipe that ends winsift quietly.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { CLI, jsonLines, ROOT, runCli } from './support/run-cli.ts';

const SAMPLE = join(ROOT, 'samples/winlogbeat-bits.ndjson');

describe('help and version', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['help', 'scan']],
    [['scan', '--help']],
    [['scan', '-h']],
    [['inspect', '--help']],
    [['backfill', '--help']],
    [['rules', '--help']],
    [['rules', '-h']],
    [['rules', 'list', '--help']],
    [['rules', 'lint', '--help']],
    [['rules', 'explain', '--help']],
  ])('winsift %j prints usage on stdout and exits 0', async (args) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^usage: winsift/);
    expect(stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`winsift ${packageJson.version}\n`);
  });

  it('every option of scan is in its help', async () => {
    const { stdout } = await runCli(['scan', '--help']);
    for (const option of ['--rules DIR', '--format FORMAT', '--timeline', '--report FILE.html', '--group', '--min-level', '--rule ID|GLOB', '--exclude-rule', '--tag', '--include GLOB', '--exclude GLOB', '--quiet', '--help']) {
      expect(stdout).toContain(option);
    }
  });
});

describe('usage errors exit 1 and name what was wrong', () => {
  it.each([
    [['scan', '--rules', '/nonexistent/winsift', SAMPLE], /winsift scan: --rules \/nonexistent\/winsift: no such file or directory/],
    [['scan', '--format', 'xml', SAMPLE], /--format must be one of table, jsonl, csv, ocsf, not 'xml'/],
    [['scan', '--frobnicate', SAMPLE], /winsift scan: Unknown option '--frobnicate'/],
    [['scan', '--min-level', 'severe', SAMPLE], /--min-level must be one of informational, low, medium, high, critical/],
    [['scan', '--group', 'host', SAMPLE], /--group must be one of object-rule-host, object-rule, event/],
    [['scan', '--timeline', '--format', 'table', SAMPLE], /--timeline writes csv or jsonl/],
    [['scan', '--report', '/nonexistent/dir/r.html', SAMPLE], /--report \/nonexistent\/dir\/r\.html: no such directory/],
    [['scan'], /name at least one file/],
    [['rules'], /winsift rules: name a command/],
    [['rules', 'frob'], /winsift rules: unknown command 'frob'/],
    [['rules', 'list', '--rules', '/nonexistent/winsift'], /--rules \/nonexistent\/winsift: no such file or directory/],
    [['rules', 'lint', '/nonexistent/winsift'], /winsift rules lint: \/nonexistent\/winsift: no such file or directory/],
    [['inspect', '--layout', 'splunk', SAMPLE], /--layout 'splunk' is not a layout/],
    [['scan', '--pipeline', 'no-such-pipeline', SAMPLE], /winsift scan: --pipeline: .*no-such-pipeline/],
    [['rules', 'explain'], /winsift rules explain: name one rule id/],
    [['frob'], /winsift: unknown command 'frob'/],
    [[], /winsift: name a command/],
  ])('winsift %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stdout).toBe('');
  });
});

describe('stdout carries only data', () => {
  it('jsonl on stdout, summary on stderr, even with warnings', async () => {
    const { code, stdout, stderr } = await runCli(['scan', SAMPLE]);
    expect(code, stderr).toBe(0);
    const lines = jsonLines(stdout); // throws if any line is not JSON
    expect(lines.length).toBe(8);
    expect(stderr).toMatch(/^winsift: 8 alerts: 2 high, 6 medium/m);
    expect(stderr).toMatch(/read 1 file, 6 events \(\+6 records no rule can match, skipped unparsed\)/);
  });

  it('`npm run --silent winsift` writes a clean file, as the README says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-npm-'));
    const out = join(dir, 'alerts.jsonl');
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npm', ['run', '--silent', 'winsift', '--', 'scan', '--format', 'jsonl', '-q', 'samples/'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', reject);
      child.on('close', (code) => (writeFileSync(out, Buffer.concat(chunks)), resolve(code)));
    });
    expect(status).toBe(0);
    expect(jsonLines(readFileSync(out, 'utf8'))).toHaveLength(8);
  });
});

describe('a closed pipe (winsift scan ... | head)', () => {
  it('ends quietly by SIGPIPE, without a stack trace and without scanning on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-epipe-'));
    const big = join(dir, 'big.ndjson');
    // ~2,400 alerts of ~1.5 KB: far more than a pipe buffer holds.
    writeFileSync(big, readFileSync(SAMPLE, 'utf8').repeat(300));
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; first: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'scan', '--format', 'jsonl', big], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let first = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.once('data', (c: Buffer) => {
        first = c.toString().split('\n')[0] ?? '';
        child.stdout.destroy(); // what head does after its lines
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr, first }));
    });
    expect(JSON.parse(result.first).rule.id).toBeTruthy();
    expect(result.signal ?? result.code).toBe(result.signal ? 'SIGPIPE' : 141);
    expect(result.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(result.stderr).not.toMatch(/alerts:/); // stopped at once: no summary of a scan that did not finish
  });

  it('`| head -1` in a shell: one line, status 141, nothing on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-head-'));
    const big = join(dir, 'big.ndjson');
    writeFileSync(big, readFileSync(SAMPLE, 'utf8').repeat(300));
    const result = await new Promise<{ out: string; err: string }>((resolve) => {
      const child = spawn('bash', ['-c', `"${process.execPath}" "${CLI}" scan "${big}" | head -1; echo "status=\${PIPESTATUS[0]}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', () => resolve({ out, err }));
    });
    expect(result.out.split('\n').filter((l) => l.startsWith('{'))).toHaveLength(1);
    expect(result.out).toMatch(/^status=141$/m);
    expect(result.err).toBe('');
  });
});

describe('directory scans', () => {
  function logDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-dir-'));
    copyFileSync(SAMPLE, join(dir, 'bits.ndjson'));
    writeFileSync(join(dir, 'README.md'), '# Exports from WKS-0142\n\nCollected 2026-11-20.\n');
    writeFileSync(join(dir, 'hashes.txt'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  bits.ndjson\n');
    writeFileSync(join(dir, 'screenshot.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    writeFileSync(join(dir, '.DS_Store'), 'Bud1');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(dir, 'day2'));
    copyFileSync(SAMPLE, join(dir, 'day2', 'bits-copy.ndjson'));
    return dir;
  }

  it('skips files that are not logs and hidden entries, counts both, and exits 0', async () => {
    const dir = logDir();
    const { code, stdout, stderr } = await runCli(['scan', dir]);
    expect(code, stderr).toBe(0);
    expect(jsonLines(stdout)).toHaveLength(16);
    expect(stderr).toMatch(/read 2 files/);
    expect(stderr).toMatch(/not scanned: 3 files not logs, 2 hidden/);
    expect(stderr).toMatch(/README\.md: not a recognised log format/);
  });

  it('--include and --exclude pick files by name or by path under the directory, counted', async () => {
    const dir = logDir();
    const only = await runCli(['scan', '--include', '*.ndjson', '--exclude', 'day2/**', dir]);
    expect(only.code, only.stderr).toBe(0);
    expect(new Set(jsonLines(only.stdout).map((l) => l.source.uri))).toEqual(new Set([join(dir, 'bits.ndjson')]));
    expect(only.stderr).toMatch(/4 left out by --include\/--exclude/);
  });

  it('a file named on the command line is scanned even if it is no log, and is bad input (exit 2)', async () => {
    const dir = logDir();
    const { code, stderr } = await runCli(['scan', join(dir, 'README.md'), SAMPLE]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/README\.md: byte 0: not a recognised log format/);
  });

  it('exits 2 naming each unreadable or missing file, and still scans the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-bad-'));
    writeFileSync(join(dir, 'bad.json'), '{"winlog": nope\n');
    const { stdout, stderr, code } = await runCli(['scan', '--format', 'jsonl', join(dir, 'bad.json'), join(dir, 'missing.json'), SAMPLE]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'bad.json')}: 1 unreadable record(s)`);
    expect(stderr).toContain(`${join(dir, 'missing.json')}: no such file or directory`);
    expect(stderr).toMatch(/bad input: 1 file with unreadable records \(1 record\), 1 input not read whole/);
    expect(jsonLines(stdout)).toHaveLength(8);
  });

  it('inspect DIR inspects each file and names the ones that are not logs', async () => {
    const dir = logDir();
    const { code, stdout, stderr } = await runCli(['inspect', dir]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`file:        ${join(dir, 'bits.ndjson')}`);
    expect(stdout).toContain(`file:        ${join(dir, 'day2', 'bits-copy.ndjson')}`);
    expect(stdout).toMatch(/README\.md\nnot a log:\s+not a recognised log format/);
    expect(stderr).toMatch(/2 hidden entries skipped/);
  });
});

describe('rules explain and lint --changes (the pipelines) on the same option layer', () => {
  it('rules explain ID shows the rule as it runs, with its author', async () => {
    const { code, stdout, stderr } = await runCli(['rules', 'explain', '90f138c1-f578-4ac3-8c49-eecfd847c8b7']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^90f138c1-f578-4ac3-8c49-eecfd847c8b7 {2}BITS Transfer Job Download From Direct IP {2}\(high, bundled:[^,]+, by Nasreddine Bencherchali/);
    expect(stdout).toMatch(/route: channels Microsoft-Windows-Bits-Client\/Operational/);
  });

  it('rules explain of an unknown id is bad input (exit 2), rules lint --changes exits 0 on the bundled pack', async () => {
    const unknown = await runCli(['rules', 'explain', '00000000-0000-0000-0000-000000000000']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no Sigma rule with id 00000000-/);
    const lint = await runCli(['rules', 'lint', '--changes', '--no-builtin-pipelines']);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stderr).toMatch(/0 errors/);
  });
});

describe('rules that do not load say why, everywhere', () => {
  /** Two files holding one rule id inside one directory: a real duplicate (one layer, lib/rules/build-pack.ts). */
  function twoCopiesOfOneRule(): string {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-dup-'));
    copyFileSync(join(ROOT, 'rules/sigma-bits-direct-ip.yml'), join(dir, 'a-direct-ip.yml'));
    copyFileSync(join(ROOT, 'rules/sigma-bits-direct-ip.yml'), join(dir, 'b-direct-ip.yml'));
    return dir;
  }

  it('rules lint DIR reports an id two of its files share, exit 2', async () => {
    const dir = twoCopiesOfOneRule();
    const { code, stdout, stderr } = await runCli(['rules', 'lint', dir]);
    expect(code).toBe(2);
    expect(stdout).toContain(`${join(dir, 'b-direct-ip.yml')}: 90f138c1-f578-4ac3-8c49-eecfd847c8b7: `);
    expect(stdout).toMatch(/duplicate rule id/);
    expect(stderr).toMatch(/1 errors/);
  });

  it("a directory's copy of a bundled rule replaces it, said once, not an error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-copy-'));
    copyFileSync(join(ROOT, 'rules/sigma-bits-direct-ip.yml'), join(dir, 'sigma-bits-direct-ip.yml'));
    const lint = await runCli(['rules', 'lint', dir]);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toMatch(/rule 90f138c1-f578-4ac3-8c49-eecfd847c8b7: .*sigma-bits-direct-ip\.yml replaces bundled:sigma-bits-direct-ip\.yml/);
    const scan = await runCli(['scan', '--rules', dir, '-q', SAMPLE]);
    expect(scan.code).toBe(0);
    expect(scan.stderr.match(/replaces bundled:sigma-bits-direct-ip\.yml/g)).toHaveLength(1);
    expect(scan.stderr).not.toMatch(/could not be loaded/);
  });

  it('scan --rules DIR names each rule not loaded and why', async () => {
    const dir = twoCopiesOfOneRule();
    const { code, stderr } = await runCli(['scan', '--rules', dir, '-q', SAMPLE]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 rule\(s\) could not be loaded and are not used:\n {2}.*b-direct-ip\.yml: 90f138c1-[^\n]*duplicate rule id/);
    const summary = (await runCli(['scan', '--rules', dir, SAMPLE])).stderr;
    expect(summary).toMatch(/4 rules \(1 not loaded, named above\)/);
  });

  it('rules list names them on stderr, keeping stdout one rule per line', async () => {
    const { code, stdout, stderr } = await runCli(['rules', 'list', '--rules', twoCopiesOfOneRule()]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').every((l) => l.split('\t').length === 5)).toBe(true);
    expect(stderr).toMatch(/4 rules loaded \(pack [^)]*\), 1 not loaded:\n.*duplicate rule id/);
  });
});
