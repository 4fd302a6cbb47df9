/**
 * 20,000 small mappings (tests/linux-programs/src/hostile.c `mmaps`: alternating protections, each
 * touched, then all unmapped) under `exec` on each engine; the target is under 1 s on ts
 * (qemu-aarch64: about 0.3 s). Run: `npx tsx benchmarks/mmaps.ts [ts|unicorn ...]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../src/emu/engine.ts';
import { execElfCaptured } from '../src/emu/linux/process.ts';

const elf = new Uint8Array(
  readFileSync(join(fileURLToPath(import.meta.url), '..', '..', 'tests', 'linux-programs', 'bin', 'hostile.elf')),
);
const engines = (process.argv.length > 2 ? process.argv.slice(2) : ['ts', 'unicorn']) as EngineKind[];
for (const engine of engines) {
  // Warm-up (module loading, first compilations) is not what is measured.
  await execElfCaptured(elf, 'hostile', { engine, args: ['huge'] });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const r = await execElfCaptured(elf, 'hostile', { engine, args: ['mmaps'] });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const out = new TextDecoder().decode(r.stdout).trim();
  // CPU time as well: on a loaded machine wall time says more about the neighbours.
  const cpuMs = (used.user + used.system) / 1000;
  process.stdout.write(`${engine}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms cpu, status ${r.status}, ${out}\n`);
}
