/** Helpers for the linker tests: the asm corpus, its headers, linking through the CLI or the API. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../src/emu/factory.ts';
import { checkFile } from '../../src/linker/check/checker.ts';
import { checkEnvironment } from '../../src/linker/check/environment.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { linkObjects } from '../../src/linker/session.ts';

export const ASM_DIR = join(import.meta.dirname, 'asm');
export const OBJ_DIR = join(import.meta.dirname, 'obj');

export interface AsmCase {
  name: string;
  source: string;
  abs: Map<string, number>;
  llvm16: boolean;
  slab?: number;
  error?: string;
}

export function asmCases(): AsmCase[] {
  return readdirSync(ASM_DIR)
    .filter((f) => f.endsWith('.s'))
    .sort()
    .map((f) => {
      const source = readFileSync(join(ASM_DIR, f), 'utf8');
      const header = (k: string) => new RegExp(`^# ${k}:(.*)$`, 'm').exec(source)?.[1]?.trim();
      const abs = new Map<string, number>();
      for (const a of (header('ABS') ?? '').split(/\s+/).filter(Boolean)) {
        const [n, v] = a.split('=');
        abs.set(n!, Number(v));
      }
      const slab = header('SLAB');
      return {
        name: f.slice(0, -2),
        source,
        abs,
        llvm16: header('LLVM16') === 'yes',
        slab: slab ? Number(slab) : undefined,
        error: header('ERROR'),
      };
    });
}

export function assemble(source: string, out: string): void {
  execFileSync('llvm-mc-16', [
    '-triple=aarch64-unknown-linux-gnu',
    '-position-independent',
    '-filetype=obj',
    source,
    '-o',
    out,
  ]);
}

export function llvmJitlink(obj: string, c: AsmCase, check: boolean): { status: number; stderr: string } {
  const args = ['-noexec'];
  for (const [n, v] of c.abs) args.push(`-abs=${n}=0x${v.toString(16)}`);
  if (check) args.push(`-check=${join(ASM_DIR, `${c.name}.s`)}`);
  args.push(obj);
  const r = spawnSync('llvm-jitlink-16', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: `${r.stdout}${r.stderr}` };
}

/** Links `bytes` (named `name`) with our linker and evaluates the case's rules. */
export async function linkAndCheck(
  name: string,
  bytes: Uint8Array,
  c: AsmCase,
  options: { optimizeGotPlt?: boolean; rules?: string } = {},
): Promise<{ failures: string[] }> {
  const engine = await createEngine('ts');
  try {
    const memoryManager = new EngineMemoryManager(engine, { slabAddress: c.slab ?? 0x10000000 });
    const session = await linkObjects([{ name, bytes }], {
      memoryManager,
      absolutes: c.abs,
      optimizeGotPlt: options.optimizeGotPlt,
    });
    const env = checkEnvironment(session.results, engine, c.abs);
    const outcomes = checkFile(options.rules ?? c.source, `${c.name}.s`, env);
    return { failures: outcomes.filter((o) => !o.ok).map((o) => o.message ?? '') };
  } finally {
    engine.close();
  }
}
