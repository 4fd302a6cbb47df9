/**
 * Linker speed: generates a corpus (default 200 objects, >= 100,000 relocations) with llvm-mc,
 * links it with our linker (ts engine memory) and with `llvm-jitlink-16 -noexec` in the same
 * run, and prints both times and the ratio. Run: `npx tsx benchmarks/link.ts [--objects N] [--json]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src/emu/factory.ts';
import { EngineMemoryManager } from '../src/linker/memory.ts';
import { linkObjects } from '../src/linker/session.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const OBJECTS = opt('--objects', 200);
const FUNCS = opt('--funcs', 50);
const json = argv.includes('--json');

/** One object: FUNCS functions, each with 10 relocations of the common kinds. */
function source(i: number): string {
  const out: string[] = ['  .text'];
  if (i === 0) out.push('  .globl main', '  .p2align 2', 'main:', '  ret');
  for (let f = 0; f < FUNCS; f++) {
    const callee = `f_${(i + 1) % OBJECTS}_${(f * 7) % FUNCS}`;
    out.push(
      `  .globl f_${i}_${f}`,
      '  .p2align 2',
      `  .type f_${i}_${f},@function`,
      `f_${i}_${f}:`,
      `  bl ${callee}`,
      `  bl f_${i}_${(f + 1) % FUNCS}`,
      `  adrp x0, d_${i}`,
      `  add x0, x0, :lo12:d_${i}`,
      `  ldr x1, [x0, :lo12:d_${i}+${8 * (f % 8)}]`,
      `  adrp x2, :got:d_${(i + 3) % OBJECTS}`,
      `  ldr x2, [x2, :got_lo12:d_${(i + 3) % OBJECTS}]`,
      `  movz x3, #:abs_g0_nc:d_${i}`,
      `  movk x3, #:abs_g1_nc:d_${i}`,
      '  ret',
      `  b ${callee}`,
      `  .size f_${i}_${f}, .-f_${i}_${f}`,
    );
  }
  out.push('  .data', '  .p2align 3', `  .globl d_${i}`, `d_${i}:`);
  for (let k = 0; k < 8; k++) out.push(`  .quad ${k}`);
  for (let f = 0; f < FUNCS; f += 5) out.push(`  .quad f_${i}_${f}`, `  .word f_${i}_${f} - .`, '  .word 0');
  return `${out.join('\n')}\n`;
}

async function buildCorpus(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const jobs: Promise<void>[] = [];
  let running = 0;
  const queue: (() => void)[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    const s = join(dir, `o${i}.s`);
    const o = join(dir, `o${i}.o`);
    files.push(o);
    const text = source(i);
    if (existsSync(o) && existsSync(s) && readFileSync(s, 'utf8') === text) continue;
    writeFileSync(s, text);
    jobs.push(
      new Promise<void>((resolve, reject) => {
        const start = () => {
          running++;
          const p = spawn('llvm-mc-16', [
            '-triple=aarch64-unknown-linux-gnu',
            '-position-independent',
            '-filetype=obj',
            s,
            '-o',
            o,
          ]);
          p.on('exit', (code) => {
            running--;
            queue.shift()?.();
            code === 0 ? resolve() : reject(new Error(`llvm-mc failed on ${s}`));
          });
        };
        if (running < 8) start();
        else queue.push(start);
      }),
    );
  }
  await Promise.all(jobs);
  return files;
}

function countRelocations(files: string[]): number {
  let n = 0;
  for (const f of files) {
    const b = readFileSync(f);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const shoff = Number(dv.getBigUint64(40, true));
    const shnum = dv.getUint16(60, true);
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * 64;
      if (dv.getUint32(o + 4, true) === 4) n += Number(dv.getBigUint64(o + 32, true)) / 24;
    }
  }
  return n;
}

async function ours(inputs: { name: string; bytes: Uint8Array }[]): Promise<number> {
  const engine = await createEngine('ts');
  const t0 = performance.now();
  const s = await linkObjects(inputs, { memoryManager: new EngineMemoryManager(engine) });
  const t = performance.now() - t0;
  s.free();
  engine.close();
  return t / 1000;
}

function llvm(files: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('llvm-jitlink-16', ['-noexec', ...files], { encoding: 'utf8' });
  const t = performance.now() - t0;
  if (r.status !== 0) throw new Error(`llvm-jitlink-16 failed: ${r.stderr}`);
  return t / 1000;
}

const dir = join(tmpdir(), `orc-sandbox-link-bench-${OBJECTS}-${FUNCS}`);
const files = await buildCorpus(dir);
const relocations = countRelocations(files);
const inputs = files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) }));
// Warm up both (JIT for ours, page cache for llvm), then take the best of 5.
await ours(inputs);
llvm(files);
let best = Number.POSITIVE_INFINITY;
let bestLlvm = Number.POSITIVE_INFINITY;
for (let i = 0; i < 5; i++) {
  best = Math.min(best, await ours(inputs));
  bestLlvm = Math.min(bestLlvm, llvm(files));
}
const ratio = best / bestLlvm;
if (json) {
  process.stdout.write(
    `${JSON.stringify({ objects: files.length, relocations, oursSeconds: best, llvmJitlinkSeconds: bestLlvm, ratio })}\n`,
  );
} else {
  process.stdout.write(
    `link ${files.length} objects, ${relocations} relocations\n` +
      `  orc-sandbox linker : ${(best * 1000).toFixed(1)} ms\n` +
      `  llvm-jitlink-16    : ${(bestLlvm * 1000).toFixed(1)} ms (whole process, -noexec)\n` +
      `  ratio              : ${ratio.toFixed(2)}x\n`,
  );
}
