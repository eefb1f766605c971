/**
 * `winsift scan --report FILE.html`, opened in a real headless Chromium (Debian's, started here):
 * the page shows the counts the scan printed, makes no request beyond its own file, runs no
 * script from event data, and its screenshot is not blank.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/run-cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.log(`SKIPPED test/cli/html-report.test.ts: ${CHROMIUM} is not installed`);

type Context = Awaited<ReturnType<typeof import('playwright-core')['chromium']['launchPersistentContext']>>;

describe.skipIf(!present)('HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-report-'));
  const report = join(dir, 'report.html');
  let context: Context;
  let scan: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    // The shipped sample, plus a matching event whose data is markup an attacker chose.
    const sample = readFileSync(join(ROOT, 'samples/winlogbeat-bits.ndjson'), 'utf8');
    const first = sample.split('\n')[0]!;
    const hostile = first
      .replace('http://45.77.165.21/update/svchost.exe', 'http://45.77.165.21/<script>document.title=\\"pwned\\"</script><img src=http://198.51.100.9/x.png>')
      .replace(/WKS-0142\.corp\.example/g, 'EVIL-<b>HOST</b>');
    writeFileSync(join(dir, 'hostile.ndjson'), `${hostile}\n`);
    scan = await runCli(['scan', '--format', 'jsonl', '--report', report, join(ROOT, 'samples/winlogbeat-bits.ndjson'), join(dir, 'hostile.ndjson')]);
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'winsift-chromium-profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it('renders the counts the scan reported, with no request beyond the page and no script', async () => {
    expect(scan.code, scan.stderr).toBe(0);
    const alerts = scan.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: { level: string; author: string } });
    const byLevel = (level: string) => alerts.filter((a) => a.rule.level === level).length;
    expect(alerts.length).toBe(11); // 8 in the sample, 3 rules on the hostile event

    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });

    const count = async (key: string) => (await page.locator(`[data-count="${key}"]`).first().textContent())?.trim();
    expect(await count('alerts')).toBe(String(alerts.length));
    expect(await count('alerts-high')).toBe(String(byLevel('high')));
    expect(await count('alerts-medium')).toBe(String(byLevel('medium')));
    expect(await count('alerts-critical')).toBe('0');
    expect(await page.locator('tr.alert').count()).toBe(alerts.length);
    expect(await page.locator('tr.alert[data-level="high"]').count()).toBe(byLevel('high'));

    // Why it matched, who wrote the rule, and ATT&CK links.
    const text = await page.locator('body').innerText();
    expect(text).toContain('RemoteName');
    for (const author of new Set(alerts.map((a) => a.rule.author))) expect(text).toContain(`by ${author}`);
    expect(await page.locator('a[href="https://attack.mitre.org/techniques/T1197/"]').count()).toBeGreaterThan(0);
    // The chart has a bar per level seen.
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);

    // Event data stayed text: no script ran, no image was fetched, the markup is shown as written.
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('script').count()).toBe(0);
    expect(text).toContain('<script>document.title="pwned"</script>');
    expect(text).toContain('EVIL-<b>HOST</b>');
    expect(requests).toEqual([pathToFileURL(report).href]);

    // A screenshot a person can look at: not blank (many colours, much non-white).
    const png = await page.screenshot({ fullPage: true });
    const shot = join(tmpdir(), 'winsift-report-screenshot.png');
    writeFileSync(shot, png);
    console.log(`report screenshot: ${shot}`);
    const stats = await pixelStats(png);
    expect(stats.width).toBe(1280);
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.nonWhite).toBeGreaterThan(0.03);
    // The level colours of the cards and the chart are on screen (high: #dc2626, medium: #f59e0b).
    expect(stats.has('#dc2626')).toBe(true);
    expect(stats.has('#f59e0b')).toBe(true);
    await page.close();
  });

  /** Decodes the PNG in the browser itself and counts what is on it. */
  async function pixelStats(png: Buffer) {
    const page = await context.newPage();
    const result = await page.evaluate(async (b64) => {
      // Runs in the page: the browser's globals (no DOM types in this project's tsconfig).
      const { Image, document } = globalThis as unknown as { Image: new () => any; document: any };
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const data: Uint8ClampedArray = g.getImageData(0, 0, img.width, img.height).data;
      const colours = new Set<number>();
      let nonWhite = 0;
      for (let i = 0; i < data.length; i += 4) {
        const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        colours.add(rgb);
        if (rgb !== 0xffffff) nonWhite++;
      }
      return { width: img.width, colours: [...colours], nonWhite: nonWhite / (data.length / 4) };
    }, png.toString('base64'));
    await page.close();
    const set = new Set(result.colours);
    return {
      width: result.width,
      colours: set.size,
      nonWhite: result.nonWhite,
      has: (hex: string) => set.has(Number.parseInt(hex.slice(1), 16)),
    };
  }
});
