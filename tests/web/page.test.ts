/**
 * The step-through page in a real browser: builds web/ with Vite (into a temporary folder), serves
 * it with `vite preview` on 127.0.0.1 at a free port, drives Debian's chromium with playwright-core,
 * and steps through the first call of the lazy function greet until its stub's pointer moves from
 * the reentry trampoline to `greet$orc_fnbody`. Screenshot: test-artifacts/web-first-call.png.
 * Needs `chromium` (apt-get install chromium): skipped with the reason outside CI, failing in CI.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithOracles, oracle } from '../support/oracles.ts';
import { freePort } from '../support/ports.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG_FILE = join(REPO, 'web/vite.config.ts');
const ARTIFACTS = join(REPO, 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

describeWithOracles(['chromium'], 'web page: step through the first lazy call in chromium', () => {
  let outDir = '';
  let userDataDir = '';
  let server: PreviewServer | undefined;
  let context: BrowserContext | undefined;
  let url = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const vite = await import('vite');
    outDir = mkdtempSync(join(tmpdir(), 'orc-web-dist-'));
    await vite.build({ configFile: CONFIG_FILE, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const port = await freePort();
    server = await vite.preview({
      configFile: CONFIG_FILE,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port, strictPort: true, open: false },
    });
    url = `http://127.0.0.1:${port}/`;
    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'orc-web-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: oracle('chromium').detail,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const d of [outDir, userDataDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const greetTarget = (page: Page): Promise<string> =>
    page.locator('#stubs tr[data-alias="greet"] td.target').innerText();
  const status = (page: Page): Promise<string> => page.locator('#status').innerText();

  it('redirects greet from its trampoline to greet$orc_fnbody, step by step', async () => {
    const page = await (context as BrowserContext).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(url);
    // The program is linked and stopped at main's first instruction.
    await page.waitForSelector('#status[data-state="paused"]', { timeout: 20_000 });
    expect(await status(page)).toContain(' main ');
    expect(await page.locator('#disasm .current').count()).toBe(1);
    expect(await greetTarget(page)).toMatch(/^trampoline 0x/);
    expect(await page.locator('#regs .reg[data-reg="pc"]').innerText()).toContain('0x');

    // Continue to the next lazy events: the call of greet's stub, then its reentry trampoline.
    await page.click('#btn-lazy');
    await page.waitForSelector('body[data-busy="false"]');
    expect(await status(page)).toContain('call of stub greet');
    await page.click('#btn-lazy');
    await page.waitForSelector('body[data-busy="false"]');
    expect(await status(page)).toContain('reentry trampoline of greet');
    expect(await greetTarget(page)).toMatch(/^trampoline 0x/);

    // Single-step through the emulated ORC runtime until the host has redirected greet's stub.
    let steps = 0;
    while ((await greetTarget(page)).startsWith('trampoline') && steps < 400) {
      await page.click('#btn-step');
      await page.waitForSelector('body[data-busy="false"]');
      steps++;
    }
    expect(await greetTarget(page)).toBe('greet$orc_fnbody');
    expect(steps).toBeGreaterThan(10);
    // The stepping shows register changes and the log shows the lazy link of greet.o.
    expect(await page.locator('#regs .reg.changed').count()).toBeGreaterThan(0);
    const log = await page.locator('#log').innerText();
    expect(log).toContain('Linking greet.o');
    expect(log).toContain('main: counter=42');

    // On to the body's first instruction, which is what the screenshot shows.
    await page.click('#btn-lazy');
    await page.waitForSelector('body[data-busy="false"]');
    expect(await status(page)).toContain('greet$orc_fnbody');
    expect(await page.locator('#disasm .current').innerText()).toContain('greet$orc_fnbody');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-first-call.png'), fullPage: true });

    // Run to the end: the demo exits with status 0.
    await page.click('#btn-run');
    await page.waitForSelector('#status[data-state="exited"]');
    expect(await status(page)).toContain('exited with status 0');
    expect(await page.locator('#log').innerText()).toContain('main: fib(25)=75025');
    expect(pageErrors).toEqual([]);
  });
});
