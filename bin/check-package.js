#!/usr/bin/env node
// The package as a user gets it (CI: .ci/run; locally: ORC_TEST_PACKAGE=1 npx vitest run
// tests/api/package-install.test.ts). Packs the repository (`prepare` builds dist/, the .d.ts
// files and the web page), installs the tarball into an empty project without optional
// dependencies, and checks with plain node (no tsx, no sources, no Vite):
//   - `npx orc-sandbox --version`, `disasm`, `demo` work;
//   - the shipped example test (examples/testing/lazy-demo.test.ts) passes under vitest, importing
//     `orc-sandbox` by name;
//   - `npx orc-sandbox serve --port P` serves the page and every asset it loads (HTTP 200, the
//     JavaScript as text/javascript).
//
//   node bin/check-package.js [--link-vitest] [--keep]
//     --link-vitest  use this checkout's vitest instead of installing it (offline machines)
//     --keep         leave the temporary project for inspection
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const log = (s) => process.stdout.write(`check-package: ${s}\n`);
const sh = (cmd, argv, cwd, extra = {}) =>
  execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...extra });

function fail(message) {
  throw new Error(`check-package: FAILED: ${message}`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function get(url) {
  const r = await fetch(url);
  const body = Buffer.from(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('content-type') ?? '', body };
}

/**
 * Fetches the page at `base` and every same-origin file it loads (index.html's src/href, then the
 * chunks and objects the JavaScript names); throws unless each answers 200 (JavaScript as
 * text/javascript) and a missing file 404. Returns how many files it fetched.
 */
export async function checkPage(base) {
  const index = await get(base);
  if (index.status !== 200 || !index.type.startsWith('text/html')) fail(`GET / answered ${index.status} ${index.type}`);
  const html = index.body.toString('utf8');
  const queue = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((m) => m[1]).filter((p) => !p.includes('://'));
  const seen = new Set();
  let scripts = 0;
  while (queue.length > 0) {
    const path = queue.shift().replace(/^\.\//, '');
    if (seen.has(path)) continue;
    seen.add(path);
    const r = await get(new URL(path, base));
    if (r.status !== 200) fail(`GET /${path} answered ${r.status}`);
    if (path.endsWith('.js')) {
      scripts++;
      if (!r.type.startsWith('text/javascript')) fail(`/${path} served as ${r.type}`);
      const text = r.body.toString('utf8');
      // Chunks and assets a module loads: `import "./x.js"`, `new URL("x.o", import.meta.url)`, "assets/…".
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      // Vite's hashed file names (name-XXXXXXXX.ext), relative to the module: chunks and fetched objects.
      for (const m of text.matchAll(/["'`](?:\.\/)?([\w.]+-[\w-]{8}\.(?:js|css|o|wasm))["'`]/g))
        queue.push(`${dir}${m[1]}`);
      for (const m of text.matchAll(/["'`](assets\/[\w.-]+\.(?:js|css|o|wasm))["'`]/g)) queue.push(m[1]);
    }
  }
  if (scripts === 0) fail('the page loads no JavaScript');
  const missing = await get(new URL('no-such-file.js', base));
  if (missing.status !== 404) fail(`a missing file answered ${missing.status}`);
  return seen.size;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'orc-sandbox-package-'));
  let server;
  try {
    log(`npm pack (prepare builds dist/, types and the web page) into ${work}`);
    sh('npm', ['pack', '--silent', '--pack-destination', work], ROOT, { stdio: ['ignore', 'pipe', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail('npm pack wrote no tarball');
    const project = join(work, 'project');
    cpSync(join(ROOT, 'bin', 'check-package.js'), join(work, 'check-package.js')); // a record of what ran
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true, "type": "module" }\n');
    log('npm install <tarball> into an empty project (optional dependencies omitted)');
    sh('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', join(work, tarball)], project);
    const installed = join(project, 'node_modules', 'orc-sandbox');
    for (const p of ['src', 'tests', 'web', 'benchmarks']) {
      try {
        readdirSync(join(installed, p));
        fail(`the package ships ${p}/`);
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    }
    const version = sh('npx', ['--no-install', 'orc-sandbox', '--version'], project).trim();
    const expected = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    if (version !== `orc-sandbox ${expected}`) fail(`--version printed '${version}'`);
    log(version);
    const nop = sh('npx', ['--no-install', 'orc-sandbox', 'disasm', 'd503201f'], project);
    if (nop !== '       0: nop\n') fail(`disasm printed '${nop}'`);
    const demo = sh('npx', ['--no-install', 'orc-sandbox', 'demo'], project);
    if (!demo.includes('rarely.o was never linked')) fail('demo output lacks its explanation');
    log('demo ran');

    log('the shipped example test under vitest (imports orc-sandbox by name)');
    const vitestVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.vitest;
    if (args.includes('--link-vitest'))
      symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'));
    // With its optional dependencies: vitest's bundler needs its native build (@rollup/rollup-*).
    // The checks without optional parts (--version, demo) have run by now.
    else sh('npm', ['install', '--no-audit', '--no-fund', `vitest@${vitestVersion}`], project);
    cpSync(join(installed, 'examples', 'testing', 'lazy-demo.test.ts'), join(project, 'test', 'lazy-demo.test.ts'));
    const vitest = sh(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), 'run'], project, {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const passed = /Tests\s+(\d+) passed/.exec(vitest);
    if (!passed) fail(`vitest did not pass:\n${vitest}`);
    log(`vitest: ${passed[1]} tests passed`);

    const port = await freePort();
    log(`npx orc-sandbox serve --port ${port}`);
    server = spawn('npx', ['--no-install', 'orc-sandbox', 'serve', '--port', String(port)], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let said = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${said}`)), 30_000);
      const see = (b) => {
        said += b;
        if (said.includes(`http://127.0.0.1:${port}/`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout.on('data', see);
      server.stderr.on('data', see);
      server.once('exit', (code) => reject(new Error(`serve exited (${code}): ${said}`)));
    });
    const files = await checkPage(`http://127.0.0.1:${port}/`);
    log(`serve: the page and its ${files} files answered 200`);
    log('OK');
  } finally {
    if (server && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main().catch((e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
