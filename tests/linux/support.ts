/**
 * Helpers of the Linux user-mode tests: run a program in process (our Linux layer, either engine)
 * and under qemu-aarch64 with the same arguments, environment and stdin, and compare what a user
 * sees: stdout, stderr and the exit status a shell reports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../../src/emu/engine.ts';
import type { Mount } from '../../src/emu/linux/fs.ts';
import { NodeHostFs } from '../../src/emu/linux/node-host.ts';
import { execElfCaptured } from '../../src/emu/linux/process.ts';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PROGRAMS = join(HERE, '..', 'linux-programs', 'bin');
export const DEBIAN = join(HERE, '..', '..', 'test-artifacts', 'debian-arm64', 'bin');

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

export interface RunSpec {
  /** Host path of the executable. */
  exe: string;
  /** argv[0] (default: the host path, as qemu gets it). */
  argv0?: string;
  args?: string[];
  stdin?: string | Uint8Array;
  env?: string[];
  /** Host directories mounted at the same guest path (read-write), as qemu sees them. */
  mounts?: string[];
  cwd?: string;
  seed?: number;
  /** CPUs our guest is told it has (qemu reports the host's). */
  cpus?: number;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

export async function runOurs(spec: RunSpec, engine: EngineKind): Promise<Outcome & { instructions: number }> {
  const mounts: Mount[] = (spec.mounts ?? []).map((m) => ({ host: m, guest: m, writable: true }));
  const r = await execElfCaptured(new Uint8Array(readFileSync(spec.exe)), spec.argv0 ?? spec.exe, {
    engine,
    args: spec.args ?? [],
    env: spec.env ?? [],
    stdin: typeof spec.stdin === 'string' ? new TextEncoder().encode(spec.stdin) : spec.stdin,
    seed: spec.seed ?? 1,
    mounts,
    hostFs: mounts.length > 0 ? new NodeHostFs() : undefined,
    cwd: spec.cwd,
    cpus: spec.cpus,
  });
  return { stdout: text(r.stdout), stderr: text(r.stderr), status: r.status, instructions: r.instructions };
}

export function runQemu(spec: RunSpec): Outcome {
  const r = spawnSync('qemu-aarch64', ['-0', spec.argv0 ?? spec.exe, spec.exe, ...(spec.args ?? [])], {
    input: spec.stdin ?? '',
    env: Object.fromEntries(
      (spec.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
    cwd: spec.cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  // A signal: the status a shell reports; qemu's own "uncaught target signal" line is not the program's.
  const status = r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('qemu: uncaught target signal'))
    .join('\n');
  return { stdout: r.stdout, stderr, status };
}

export function debianAvailable(): boolean {
  return existsSync(join(DEBIAN, 'busybox')) && existsSync(join(DEBIAN, 'bash'));
}
