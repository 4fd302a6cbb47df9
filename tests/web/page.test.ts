/**
 * The learner's page in a real browser: builds web/ with Vite (into a temporary folder), serves it
 * with `vite preview` on 127.0.0.1 at a free port, drives Debian's chromium with playwright-core
 * through the whole walk of the demo's first lazy call (greet) and its second call, asserting at
 * every phase the narrative's heading and text, the highlighted C line, the memory view and the
 * stub table; then the URL of a phase, the 800 px layout, the help overlay, and loading your own
 * objects (a program this test compiles, replacing the demo's; an object that clashes with main.o).
 * The expected source lines come from llvm-objdump-16 -l on the same objects, not from our reader.
 * Screenshots: test-artifacts/web/*.png (git-ignored).
 * Needs `chromium`, `llvm-objdump-16` and `clang-16`: skipped with the reason outside CI, failing in CI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const ARTIFACTS = join(REPO, 'test-artifacts/web');
const DEMO = join(REPO, 'examples/lazy-demo');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Source line of each instruction offset in an object's .text, as llvm-objdump -l prints them. */
function objdumpLines(object: string): Map<number, { file: string; line: number }> {
  const text = execFileSync(oracle('llvm-objdump').detail, ['-d', '-l', '--no-show-raw-insn', object], {
    encoding: 'utf8',
  });
  const out = new Map<number, { file: string; line: number }>();
  let current: { file: string; line: number } | undefined;
  for (const l of text.split('\n')) {
    const src = /^; (.+):(\d+)$/.exec(l);
    if (src)
      current = { file: (src[1] as string).slice((src[1] as string).lastIndexOf('/') + 1), line: Number(src[2]) };
    const insn = /^\s+([0-9a-f]+):\s/.exec(l);
    if (insn && current) out.set(Number.parseInt(insn[1] as string, 16), current);
  }
  return out;
}

const sourceLine = (file: string, line: number): string =>
  (readFileSync(join(DEMO, 'src', file), 'utf8').split('\n')[line - 1] as string).trimEnd();

describeWithOracles(
  ['chromium', 'llvm-objdump', 'clang'],
  'web page: the walk through a first lazy call, in chromium',
  () => {
    let outDir = '';
    let userDataDir = '';
    let workDir = '';
    let server: PreviewServer | undefined;
    let context: BrowserContext | undefined;
    let url = '';
    const pageErrors: string[] = [];

    beforeAll(async () => {
      const vite = await import('vite');
      outDir = mkdtempSync(join(tmpdir(), 'orc-web-dist-'));
      workDir = mkdtempSync(join(tmpdir(), 'orc-web-own-'));
      // Not minified: the page's behaviour is what is tested, and minifying doubles the build time.
      await vite.build({
        configFile: CONFIG_FILE,
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
      });
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
        viewport: { width: 1400, height: 1000 },
      });
      mkdirSync(ARTIFACTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      for (const d of [outDir, userDataDir, workDir]) if (d) rmSync(d, { recursive: true, force: true });
    });

    const open = async (hash = ''): Promise<Page> => {
      const page = await (context as BrowserContext).newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      await page.goto(url + hash);
      await page.waitForSelector('body[data-busy="false"] #status[data-state="paused"]', { timeout: 20_000 });
      return page;
    };
    const idle = (page: Page) => page.waitForSelector('body[data-busy="false"]');
    const text = (page: Page, sel: string): Promise<string> => page.locator(sel).innerText();
    const nextPhase = async (page: Page): Promise<void> => {
      await page.click('#btn-phase');
      await idle(page);
    };
    /** `main+60` from the status line (`paused at 0x1000003c main+60 — …`). */
    const where = async (page: Page): Promise<{ symbol: string; offset: number }> => {
      const m = / at 0x[0-9a-f]+ (.+?)(?:\+(\d+))? —/.exec(await text(page, '#status'));
      if (!m) throw new Error(`no position in the status line: ${await text(page, '#status')}`);
      return { symbol: m[1] as string, offset: Number(m[2] ?? 0) };
    };
    const highlighted = async (page: Page): Promise<{ line: number; text: string; caller: boolean }> => {
      const row = page.locator('#source .row.current');
      expect(await row.count()).toBe(1);
      return {
        line: Number(await row.getAttribute('data-line')),
        text: (await row.locator('.src').innerText()).trim(),
        caller: ((await row.getAttribute('class')) ?? '').includes('caller'),
      };
    };
    const pointerBytes = async (page: Page): Promise<{ value: number; changed: number }> => {
      const bytes = await page.locator('#memory .mem-pointer .byte').allInnerTexts();
      expect(bytes).toHaveLength(8);
      const value = bytes.reduceRight((v, b) => v * 256 + Number.parseInt(b, 16), 0);
      return { value, changed: await page.locator('#memory .mem-pointer .byte.changed').count() };
    };
    const greetRow = (page: Page) => page.locator('#stubs tr[data-alias="greet"] td.target').innerText();

    it('walks the first call of greet phase by phase, then its second call straight through the stub', async () => {
      const mainLines = objdumpLines(join(DEMO, 'obj/main.o'));
      const greetLines = objdumpLines(join(DEMO, 'obj/greet.o'));
      const page = await open();
      expect(await page.getAttribute('#phase', 'data-phase-id')).toBe('start');
      expect(await text(page, '#phase-title')).toBe('Program start');
      expect(await text(page, '#phase-text')).toMatch(/4 lazy functions have a stub \(greet, fib, square, rarely\)/);
      expect(await where(page)).toEqual({ symbol: 'main', offset: 0 });
      const start = await highlighted(page);
      expect(start.line).toBe(mainLines.get(0)?.line);
      expect(start.text).toBe(sourceLine('main.c', start.line).trim());
      expect(await greetRow(page)).toMatch(/^trampoline 0x/);
      const trampoline = Number.parseInt((await greetRow(page)).slice('trampoline '.length), 16);
      expect((await pointerBytes(page)).value).toBe(trampoline);

      // Each phase: its id, heading and text; the source line (pc's own or the caller's, dashed).
      const seen: { id: string; title: string; line: number; caller: boolean }[] = [];
      const phase = async (id: string, title: RegExp | string, body: RegExp[]) => {
        await nextPhase(page);
        expect(await page.getAttribute('#phase', 'data-phase-id')).toBe(id);
        const t = await text(page, '#phase-title');
        if (typeof title === 'string') expect(t).toBe(title);
        else expect(t).toMatch(title);
        const b = await text(page, '#phase-text');
        for (const re of body) expect(b).toMatch(re);
        const h = await highlighted(page);
        // Function-bounded code, all of it instructions (the walk goes through no data).
        expect(await page.locator('#disasm .row.current').count()).toBe(1);
        expect(await page.locator('#disasm .row.data').count()).toBe(0);
        seen.push({ id, title: t, line: h.line, caller: h.caller });
        await page.screenshot({ path: join(ARTIFACTS, `phase-${String(seen.length).padStart(2, '0')}-${id}.png`) });
        return h;
      };

      const call = await phase('call', '1. The call: main calls greet', [
        /main\.c:\d+: main calls greet with bl 0x[0-9a-f]+ <greet>/,
        /greet is lazy: its code \(greet\$orc_fnbody\) is not linked/,
        /holds 0x[0-9a-f]+ <trampoline greet>/,
      ]);
      const callSite = await where(page);
      expect(callSite.symbol).toBe('main');
      expect(call.line).toBe(mainLines.get(callSite.offset)?.line);
      expect(call.text).toBe('greet("lazy world");');
      expect(call.caller).toBe(false);
      // Inside the call, the line shown is the call's: pc is in code without source.
      const inCall = async (h: { line: number; caller: boolean }) => {
        expect(h.line).toBe(call.line);
        expect(h.caller).toBe(true);
      };
      await inCall(
        await phase('stub', '2. The stub of greet', [
          /adrp x16, 0x[0-9a-f]+ <greet\$__stub_ptr>.*ldr x16, \[x16\].*br x16/,
        ]),
      );
      expect(await where(page)).toEqual({ symbol: 'greet', offset: 0 });
      await inCall(
        await phase('pointer', '3. The pointer load: x16 = <trampoline greet>', [
          /x16 = 0x[0-9a-f]+ <trampoline greet>/,
          /br x16 goes there, not to greet\$orc_fnbody/,
        ]),
      );
      expect(await where(page)).toEqual({ symbol: 'greet', offset: 8 });
      await inCall(
        await phase('trampoline', '4. The reentry trampoline of greet', [
          /stp x29, x30, \[sp, #-0x10\]!, bl 0x[0-9a-f]+ <__orc_rt_sysv_resolve>/,
        ]),
      );
      expect(await where(page)).toEqual({ symbol: '<trampoline greet>', offset: 0 });
      await inCall(
        await phase('reenter', '5. bl into the reentry routine __orc_rt_sysv_resolve', [
          /x30 = 0x[0-9a-f]+ = T \+ 8, so x30 − 8 = 0x[0-9a-f]+ = <trampoline greet>/,
          /x30 = 0x[0-9a-f]+ <main\+\d+> \(main\.c:\d+\)/,
        ]),
      );
      expect(await where(page)).toEqual({ symbol: '__orc_rt_sysv_resolve', offset: 0 });
      // The frame of runtime-aarch64/README.md: x0–x15, x19–x28, q0–q31 in 720 bytes (29 stp).
      await inCall(
        await phase('saved', '6. Registers saved', [
          /29 store instructions saved x0–x15, x19–x28, q0–q31 in a 720-byte frame/,
          /x0 = 0x[0-9a-f]+ = T \(x30 − 8\)/,
        ]),
      );
      await inCall(
        await phase('dispatch', '7. JIT dispatch into the host', [
          /calls the JIT dispatch gate 0x[0-9a-f]+ <__orc_rt_jit_dispatch>/,
          /x1 = 0x[0-9a-f]+ <__orc_rt_resolve_tag>/,
          /8 bytes = 0x[0-9a-f]+ \(T, greet's trampoline\)/,
        ]),
      );
      expect((await where(page)).symbol).toBe('__orc_rt_resolve_implementation');
      // Lookup and link happened inside the gate; the pointer is shown as before its write.
      await inCall(
        await phase('link', '8. Lookup, link of greet.o', [
          /Lookup: greet\$orc_fnbody in JITDylib main/,
          /Link of greet\.o: \.text at 0x[0-9a-f]+/,
        ]),
      );
      expect(await text(page, '#timeline')).toMatch(/link\s+greet\.o/);
      expect(await greetRow(page)).toMatch(/^trampoline 0x/);
      expect(await pointerBytes(page)).toEqual({ value: trampoline, changed: 0 });
      await page.screenshot({ path: join(ARTIFACTS, 'before-redirect.png'), fullPage: true });

      await inCall(
        await phase('redirect', '9. Stub pointer redirected to greet$orc_fnbody', [
          /greet\$__stub_ptr \(0x[0-9a-f]+\) := 0x([0-9a-f]+) <greet\$orc_fnbody>/,
          /x1 = 11 bytes at x0 = 0x[0-9a-f]+ \(01( [0-9a-f]{2}){10}: ok, address 0x[0-9a-f]+\)/,
        ]),
      );
      expect(await greetRow(page)).toBe('greet$orc_fnbody');
      expect(await page.locator('#stubs tr[data-alias="greet"].flash').count()).toBe(1);
      const redirected = await pointerBytes(page);
      expect(redirected.value).not.toBe(trampoline);
      expect(redirected.changed).toBeGreaterThan(0);
      expect(await text(page, '#memory .mem-pointer .mem-text')).toBe(
        `→ 0x${redirected.value.toString(16)} greet$orc_fnbody`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'redirect.png'), fullPage: true });

      await inCall(
        await phase('restored', '10. Registers restored', [
          /load instructions restored q0–q31, x0–x15, x19–x30; sp = 0x[0-9a-f]+ = the caller's sp at the call/,
          /x17 = 0x[0-9a-f]+ <greet\$orc_fnbody>: br x17 enters the body/,
        ]),
      );
      const body = await phase('body', '11. The body: greet$orc_fnbody', [
        /x0 = 0x[0-9a-f]+ \("lazy world"\)/,
        /The first call took \d+ instructions from the bl to here \(1 in the caller \(the bl\), 3 in the stub, 2 in the trampoline, \d+ in the runtime\), and 2 host calls \(__orc_rt_jit_dispatch, free\)/,
      ]);
      expect(await where(page)).toEqual({ symbol: 'greet$orc_fnbody', offset: 0 });
      expect(body.line).toBe(greetLines.get(0)?.line);
      expect(body.caller).toBe(false);
      expect(await text(page, '#source-file')).toBe(`examples/lazy-demo/src/greet.c:${body.line}`);
      expect(redirected.value).toBe(Number.parseInt((await text(page, '#status')).split(' ')[2] as string, 16));
      expect(await text(page, '#output')).toContain('main: counter=42');

      const call2 = await phase('call2', '12. The second call of greet', [
        /main\.c:\d+: main calls greet again: bl 0x[0-9a-f]+ <greet>, the same stub address/,
        /now holds 0x[0-9a-f]+ <greet\$orc_fnbody>/,
      ]);
      const site2 = await where(page);
      expect(call2.line).toBe(mainLines.get(site2.offset)?.line);
      expect(call2.text).toBe('greet("again");');
      // The first call printed its line before the second call.
      expect(await text(page, '#output')).toContain('greet: hello, lazy world! (call 1, counter=43)');
      const s2 = await phase('stub2', '13. Straight through the stub: x16 = greet$orc_fnbody', [
        /x16 = 0x[0-9a-f]+ <greet\$orc_fnbody>\. br x16 goes to the body: no trampoline, no runtime, no host/,
        /^3 instructions since the call\.$/m,
      ]);
      expect(s2.line).toBe(call2.line);
      const b2 = await phase('body2', '14. The body, directly: greet$orc_fnbody', [
        /4 instructions after the call \(1 in the caller \(the bl\), 3 in the stub\)/,
      ]);
      expect(b2.line).toBe(body.line);
      expect(await pointerBytes(page)).toEqual({ value: redirected.value, changed: 0 });
      // The walk is over; the disassembly is greet's body alone (13 instructions, no padding after it).
      expect(await page.locator('#btn-phase').isDisabled()).toBe(true);
      expect(await page.locator('#disasm .row:not(.sym)').count()).toBe(13);
      expect(await page.locator('#disasm .row.sym').allInnerTexts()).toEqual(['greet$orc_fnbody:']);
      expect(seen.map((s) => s.id)).toHaveLength(14);
      await page.screenshot({ path: join(ARTIFACTS, 'walk-done.png'), fullPage: true });

      // Its URL restores the same stop; the timeline lists the phases.
      expect(page.url()).toMatch(/#objects=main,greet,math,data,rarely&lazy=greet,math,data,rarely&phase=14$/);
      const again = await open(`#objects=main,greet,math,data,rarely&lazy=greet,math,data,rarely&phase=9`);
      expect(await text(again, '#phase-title')).toBe('9. Stub pointer redirected to greet$orc_fnbody');
      expect(await again.locator('#timeline .tl-phase').count()).toBe(9);
      await again.close();

      await page.click('#btn-run');
      await page.waitForSelector('#status[data-state="exited"]');
      expect(await text(page, '#status')).toContain('exited with status 0');
      expect(await text(page, '#output')).toContain('main: fib(25)=75025');
      await page.close();
      expect(pageErrors).toEqual([]);
    }, 90_000);

    it('fits 800 px without horizontal overflow; help overlay on ?', async () => {
      const page = await open('#objects=main,greet,math,data,rarely&lazy=greet,math,data,rarely&phase=9');
      await page.setViewportSize({ width: 800, height: 900 });
      // Evaluated in the page (a string: this file is typed for Node, not the DOM).
      const overflow = (): Promise<{ scroll: number; client: number }> =>
        page.evaluate(
          '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
        );
      let o = await overflow();
      expect(o.scroll).toBeLessThanOrEqual(o.client);
      expect(o.client).toBeLessThanOrEqual(800);
      await page.screenshot({ path: join(ARTIFACTS, 'width-800.png'), fullPage: true });
      await page.keyboard.press('p');
      await idle(page);
      expect(await text(page, '#phase-title')).toBe('10. Registers restored');
      o = await overflow();
      expect(o.scroll).toBeLessThanOrEqual(o.client);
      expect(await page.locator('#help').isVisible()).toBe(false);
      await page.keyboard.press('?');
      expect(await page.locator('#help').isVisible()).toBe(true);
      expect(await text(page, '#help')).toMatch(/p\s+next phase/);
      await page.screenshot({ path: join(ARTIFACTS, 'help-800.png') });
      await page.keyboard.press('Escape');
      expect(await page.locator('#help').isVisible()).toBe(false);
      await page.close();
      expect(pageErrors).toEqual([]);
    });

    it('loads your own objects: a program replacing the demo, and a main that clashes with main.o', async () => {
      // A program the page has never seen, built here with -g: its main calls a lazy function twice.
      const cc = (name: string, src: string) => {
        writeFileSync(join(workDir, name), src);
        execFileSync(
          oracle('clang').detail,
          [
            '--target=aarch64-linux-gnu',
            '-O1',
            '-g',
            '-ffreestanding',
            '-fno-stack-protector',
            '-fno-asynchronous-unwind-tables',
            '-c',
            '-o',
            join(workDir, name.replace(/\.c$/, '.o')),
            join(workDir, name),
          ],
          { cwd: workDir },
        );
      };
      cc(
        'hello.c',
        'int printf(const char *, ...);\nint twice(int);\n\nint main(void) {\n  int a = twice(20);\n  int b = twice(a);\n  printf("hello: %d %d\\n", a, b);\n  return b == 80 ? 0 : 1;\n}\n',
      );
      cc('twice.c', 'int twice(int x) {\n  return 2 * x;\n}\n');
      const page = await open();
      await page.setInputFiles(
        '#file-replace',
        ['hello.o', 'twice.o', 'hello.c', 'twice.c'].map((f) => join(workDir, f)),
      );
      await page.waitForSelector('#objects li[data-name="twice.o"]');
      await page.waitForSelector('body[data-busy="false"] #status[data-state="paused"]');
      expect(await page.locator('#objects li').evaluateAll((l) => l.map((e) => e.getAttribute('data-name')))).toEqual([
        'hello.o',
        'twice.o',
      ]);
      // hello.o defines main: eager; twice.o lazy.
      expect(await page.locator('#objects li[data-name="hello.o"] input').isChecked()).toBe(false);
      expect(await page.locator('#objects li[data-name="twice.o"] input').isChecked()).toBe(true);
      expect(await page.locator('#demo-missing button').allInnerTexts()).toHaveLength(5);
      await nextPhase(page);
      expect(await text(page, '#phase-title')).toBe('1. The call: main calls twice');
      expect(await highlighted(page)).toEqual({ line: 5, text: 'int a = twice(20);', caller: false });
      for (let i = 2; i <= 11; i++) await nextPhase(page);
      expect(await text(page, '#phase-title')).toBe('11. The body: twice$orc_fnbody');
      expect((await highlighted(page)).text).toBe('return 2 * x;');
      await nextPhase(page);
      expect(await text(page, '#phase-title')).toBe('12. The second call of twice');
      expect(await highlighted(page)).toEqual({ line: 6, text: 'int b = twice(a);', caller: false });
      await page.screenshot({ path: join(ARTIFACTS, 'own-objects.png'), fullPage: true });
      await page.click('#btn-run');
      await page.waitForSelector('#status[data-state="exited"]');
      expect(await text(page, '#status')).toContain('exited with status 0');
      expect(await text(page, '#output')).toBe('hello: 40 80\n');

      // Back to the demo, then an object that defines main again under another name: main.o goes.
      await page.click('#btn-demo');
      await page.waitForSelector('#objects li[data-name="main.o"]');
      await idle(page);
      // Removing data.o leaves main.o's references undefined: the page says so, and + data.o mends it.
      await page.click('#objects li[data-name="data.o"] button.remove');
      await page.waitForSelector('body[data-busy="false"] #status[data-state="failed"]');
      expect(await text(page, '#phase-title')).toBe('The program cannot go on');
      expect(await text(page, '#phase-text')).toContain('Symbols not found: [ counter, motto ]');
      expect(await page.locator('#demo-missing button').allInnerTexts()).toEqual(['+ data.o']);
      await page.click('#demo-missing button');
      await page.waitForSelector('body[data-busy="false"] #status[data-state="paused"]');
      expect(await text(page, '#phase-title')).toBe('Program start');
      writeFileSync(join(workDir, 'prog.o'), readFileSync(join(DEMO, 'obj/main.o')));
      await page.setInputFiles('#file-input', [join(workDir, 'prog.o')]);
      await page.waitForSelector('#objects li[data-name="prog.o"]');
      await page.waitForSelector('body[data-busy="false"] #status[data-state="paused"]');
      expect(await text(page, '#object-notes')).toBe(
        "prog.o defines 'main', as main.o did: main.o removed from the link",
      );
      expect(await page.locator('#objects li[data-name="main.o"]').count()).toBe(0);
      await page.click('#btn-run');
      await page.waitForSelector('#status[data-state="exited"]');
      expect(await text(page, '#status')).toContain('exited with status 0');
      expect(await text(page, '#output')).toContain('main: fib(25)=75025');
      await page.close();
      expect(pageErrors).toEqual([]);
    }, 60_000);
  },
);
