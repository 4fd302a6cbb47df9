#!/usr/bin/env node
// Compiles the TypeScript sources to plain ESM JavaScript in dist/ (what `npm install` runs as
// `prepare`, and what the test suite's global setup runs when dist/ is older than the sources).
//
//   node bin/build.js            JavaScript only (esbuild, one output file per source file)
//   node bin/build.js --types    also the .d.ts declarations (tsc), for the package
//   node bin/build.js --if-stale build only when a source is newer than the last build
//   node bin/build.js --web      also the step-through page (Vite) into dist/web-page/, which
//                                `orc-sandbox serve` serves without Vite (the package ships it)
//
// dist/ mirrors the repository root (dist/src/…, dist/runtime-aarch64/…), so a module's
// `new URL('../../../examples/…', import.meta.url)` means the same relative place in both trees;
// the data files modules reach that way are copied beside the compiled code (ASSETS, bin/stale.js).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ASSETS, isStale, newestSourceTime, ROOT, sourceFiles } from './stale.js';

const DIST = join(ROOT, 'dist');
/**
 * Linked rather than copied: only the development server uses it (`serve` runs Vite on
 * web/vite.config.ts, whose imports reach back into src/). A packed tarball leaves links out.
 */
const LINKS = ['web'];

/** Relative specifiers of compiled files point at compiled files: `./x.ts` becomes `./x.js`. */
const rewriteTsSpecifiers = {
  name: 'rewrite-ts-specifiers',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      // Packages (node:*, koffi, vite, tsx…) stay imports resolved at run time.
      return { path: args.path.startsWith('.') ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

/**
 * The command itself: src/cli/main.ts and everything it imports, in a few files (dist/cli/: the
 * entry, one chunk per command, shared chunks), because loading ~100 small modules costs more
 * start-up time than parsing the same code in a few. `import.meta.url` in a bundled module still
 * means that module's file in the per-file tree (dist/src/…), so paths relative to it (assets,
 * worker entries) resolve as they do there. The executor's worker entry is bundled the same way
 * (dist/cli/executor-worker.js, sharing the command's chunks): every `--executor worker` session
 * starts one, and the bundle loads in about 0.13 s CPU instead of 0.22 (src/executor/worker/bootstrap.js).
 */
async function bundleCli(build, out) {
  const anchorModuleUrls = {
    name: 'anchor-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.[jt]s$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
        if (!text.includes('import.meta.url')) return { contents: text, loader };
        const perFile = relative(ROOT, args.path).replace(/\.ts$/, '.js');
        const anchored = `new URL(${JSON.stringify(`../${perFile}`)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', anchored), loader };
      });
    },
  };
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      main: 'src/cli/main.ts',
      'executor-worker': 'src/executor/worker/entry.ts',
      'bench-program-child': 'src/cli/bench-program-child.ts',
      // A campaign's worker threads (src/fuzz/worker-bootstrap.js): the worker entry and the two
      // slice modules it opens, so that `--jobs N` starts each worker from a few files.
      'campaign-worker': 'src/fuzz/campaign-worker.ts',
      'worker-fuzz-lazy-slices': 'src/fuzz/lazy/slices.ts',
      'worker-fuzz-isa-campaign': 'src/fuzz/isa/campaign.ts',
    },
    outdir: join(out, 'cli'),
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [anchorModuleUrls],
    // src/fuzz/campaign.ts: a campaign run by the command loads its slice module's bundle.
    define: { __ORC_SANDBOX_BUNDLE__: 'true' },
    logLevel: 'warning',
    legalComments: 'none',
  });
}

/** Every relative import in dist/ must name a file that exists there (catches a source outside SOURCE_DIRS). */
function checkImports(out, files) {
  const problems = [];
  const spec = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+)\1/g;
  for (const f of files) {
    const compiled = join(out, f.replace(/\.ts$/, '.js'));
    const text = readFileSync(compiled, 'utf8');
    for (const m of text.matchAll(spec)) {
      if (!existsSync(resolve(dirname(compiled), m[2]))) problems.push(`${f}: '${m[2]}' is not compiled into dist/`);
    }
  }
  return problems;
}

export async function buildJs() {
  const started = performance.now();
  const files = sourceFiles();
  const sourcesNewest = newestSourceTime(files);
  const { build } = await import('esbuild');
  // Built beside dist/ and swapped in whole: a command started meanwhile sees the old or the new tree.
  const out = `${DIST}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: files,
    outdir: out,
    outbase: '.',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [rewriteTsSpecifiers],
    logLevel: 'warning',
    legalComments: 'none',
  });
  await bundleCli(build, out);
  for (const a of ASSETS) {
    const from = join(ROOT, a);
    if (existsSync(from)) cpSync(from, join(out, a), { recursive: true });
  }
  for (const l of LINKS) {
    const to = join(out, l);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(relative(dirname(to), join(ROOT, l)), to);
  }
  const problems = checkImports(out, files);
  if (problems.length > 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`compiled imports that resolve to nothing:\n  ${problems.join('\n  ')}`);
  }
  // --help and --version without loading every command module at each start.
  const { describeCommands } = await import(pathToFileURL(join(out, 'src/cli/main.js')).href);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const manifest = { version, commands: await describeCommands() };
  writeFileSync(join(out, 'src/cli/cli-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, 'build-stamp.json'), `${JSON.stringify({ sourcesNewest, files: files.join('\n') })}\n`);
  // The page is built separately (--web, minutes of Vite); a JavaScript-only rebuild keeps it.
  if (existsSync(join(DIST, PAGE_DIR))) cpSync(join(DIST, PAGE_DIR), join(out, PAGE_DIR), { recursive: true });
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(out, DIST);
  rmSync(old, { recursive: true, force: true });
  return { files: files.length, ms: performance.now() - started };
}

/** Where `--web` puts the built page (src/cli/commands/serve.ts looks for it there). */
const PAGE_DIR = 'web-page';

/** The step-through page, built with web/vite.config.ts into dist/web-page/. */
export async function buildWeb() {
  const started = performance.now();
  const vite = await import('vite');
  await vite.build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: join(DIST, PAGE_DIR), emptyOutDir: true },
  });
  return { ms: performance.now() - started };
}

export function buildTypes() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc (declarations) failed with status ${r.status}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--if-stale') && !isStale()) process.exit(0);
  const r = await buildJs();
  if (args.includes('--types')) buildTypes();
  process.stderr.write(`orc-sandbox: compiled ${r.files} files into dist/ in ${Math.round(r.ms)} ms\n`);
  if (args.includes('--web')) {
    const w = await buildWeb();
    process.stderr.write(`orc-sandbox: built the web page into dist/${PAGE_DIR}/ in ${Math.round(w.ms)} ms\n`);
  }
}
