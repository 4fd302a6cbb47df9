/**
 * Runs the kernels on the `ts` and `unicorn` engines in the same process and reports MIPS and
 * the ts/unicorn ratio. Both engines must end in the same register state, so a benchmark is
 * also a (small) differential test.
 */
import { performance } from 'node:perf_hooks';
import { type Engine, type EngineKind, PROT_ALL, PROT_READ, PROT_WRITE } from '../emu/engine.ts';
import { EngineUnavailable } from '../emu/errors.ts';
import { createEngine } from '../emu/factory.ts';
import { CODE_BASE, DATA_BASE, KERNELS, type Kernel } from './kernels.ts';

export interface BenchResult {
  name: string;
  engine: EngineKind;
  instructions: number;
  seconds: number;
  mips: number;
  /** x0..x6 and d0..d6 at the end, to compare engines. */
  fingerprint: string;
}

export interface BenchOptions {
  /** Scales every kernel's iteration count (1 = about 60 M instructions). */
  scale?: number;
  engines?: EngineKind[];
  only?: string[];
  log?: (line: string) => void;
}

function wordsToBytes(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => {
    dv.setUint32(i * 4, w >>> 0, true);
  });
  return out;
}

/**
 * Runs a kernel once at 1% of its length on a fresh engine of the same kind, untimed. The kernels
 * measure steady state; the first run in a process also pays for compiling the engine's own code
 * on first use (about 7 ms of a 25 ms int-loop run on the ts engine, about 1 ms on Unicorn), which
 * the programs rows measure as users meet it.
 */
async function warmUp(kind: EngineKind, kernel: Kernel, iterations: number): Promise<void> {
  await runKernel(kind, kernel, Math.max(1, Math.round(iterations / 100)), false);
}

async function runKernel(kind: EngineKind, kernel: Kernel, iterations: number, warm = true): Promise<BenchResult> {
  if (warm) await warmUp(kind, kernel, iterations);
  // Unicorn's exact counting costs a callback per block; counts are known or taken from ts.
  // The kernels measure the translation tier's steady state: translated from the start (an explicit
  // threshold skips the ts engine's default warm-up; the programs rows show what users get).
  const engine: Engine = await createEngine(kind, { countInstructions: false, jitThreshold: 16 });
  try {
    engine.memMap(CODE_BASE, 0x1000, PROT_ALL);
    engine.memWrite(CODE_BASE, wordsToBytes(kernel.words));
    if (kernel.dataBytes > 0) engine.memMap(DATA_BASE, kernel.dataBytes, PROT_READ | PROT_WRITE);
    for (const [reg, value] of Object.entries(kernel.setup(iterations))) {
      engine.regWrite(reg as 'x0', value);
    }
    const until = CODE_BASE + 4 * (kernel.words.length - 1);
    const t0 = performance.now();
    const r = engine.start(CODE_BASE, until);
    const seconds = (performance.now() - t0) / 1000;
    if (r.reason !== 'until')
      throw new Error(`${kernel.name} on ${kind}: stopped with ${r.reason} at 0x${r.pc.toString(16)}`);
    const regs: string[] = [];
    for (let i = 0; i <= 6; i++) regs.push(engine.regRead(`x${i}`).toString(16));
    for (let i = 0; i <= 6; i++) regs.push(engine.regRead(`d${i}`).toString(16));
    const instructions = kernel.instructions ? kernel.instructions(iterations) : r.instructions;
    return {
      name: kernel.name,
      engine: kind,
      instructions,
      seconds,
      mips: instructions / seconds / 1e6,
      fingerprint: regs.join(','),
    };
  } finally {
    engine.close();
  }
}

export async function runEngineBenchmarks(options: BenchOptions = {}): Promise<BenchResult[]> {
  const scale = options.scale ?? 1;
  const engines = options.engines ?? ['ts', 'unicorn'];
  const log = options.log ?? (() => {});
  const results: BenchResult[] = [];
  for (const kernel of KERNELS) {
    if (options.only && !options.only.includes(kernel.name)) continue;
    const iterations = Math.max(1, Math.round(kernel.defaultIterations * scale));
    const byEngine = new Map<EngineKind, BenchResult>();
    for (const kind of engines) {
      try {
        const r = await runKernel(kind, kernel, iterations);
        byEngine.set(kind, r);
        results.push(r);
      } catch (e) {
        if (e instanceof EngineUnavailable) {
          log(`${kernel.name}: ${kind} engine unavailable: ${e.message}`);
          continue;
        }
        throw e;
      }
    }
    const ts = byEngine.get('ts');
    const uc = byEngine.get('unicorn');
    if (ts && uc) {
      if (ts.fingerprint !== uc.fingerprint) {
        throw new Error(
          `${kernel.name}: engines disagree on the final state\n ts: ${ts.fingerprint}\n uc: ${uc.fingerprint}`,
        );
      }
      if (!kernel.instructions) {
        // Unicorn ran without its counting hook; the ts count is exact and shared.
        uc.instructions = ts.instructions;
        uc.mips = uc.instructions / uc.seconds / 1e6;
      }
    }
  }
  return results;
}

export function formatTable(results: BenchResult[]): string {
  const lines = ['benchmark      engine    instructions   seconds      MIPS   ts/unicorn'];
  for (const r of results) {
    const other = results.find((o) => o.name === r.name && o.engine === 'unicorn');
    const ratio = r.engine === 'ts' && other ? (r.mips / other.mips).toFixed(3) : '';
    lines.push(
      `${r.name.padEnd(14)} ${r.engine.padEnd(8)} ${String(r.instructions).padStart(13)} ${r.seconds
        .toFixed(3)
        .padStart(9)} ${r.mips.toFixed(1).padStart(9)}   ${ratio}`,
    );
  }
  return lines.join('\n');
}
