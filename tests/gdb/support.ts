/** Running gdb-multiarch in batch mode against `orc-sandbox exec --gdb` and against qemu-aarch64 -g. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'tests', 'dwarf', 'fixtures');
const BIN = join(ROOT, 'bin', 'orc-sandbox.js');

export interface ProgramRun {
  port: number;
  /** Resolves when the program (and the server) has ended. */
  done: Promise<{ status: number | null; stdout: string; stderr: string }>;
  child: ChildProcess;
}

function collect(child: ChildProcess): ProgramRun['done'] {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** `orc-sandbox exec --engine E --gdb 127.0.0.1:0 elf -- args`; the port comes from its stderr. */
export function startSandbox(engine: 'ts' | 'unicorn', elf: string, args: string[]): Promise<ProgramRun> {
  const child = spawn(process.execPath, [BIN, 'exec', '--engine', engine, '--gdb', '127.0.0.1:0', elf, '--', ...args], {
    cwd: FIXTURES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collect(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (b: Buffer): void => {
      seen += b.toString();
      const m = /waiting for gdb on [^\s]+:(\d+)/.exec(seen);
      if (m) {
        child.stderr?.off('data', onData);
        resolve({ port: Number(m[1]), done, child });
      }
    };
    child.stderr?.on('data', onData);
    void done.then((r) => reject(new Error(`orc-sandbox ended before listening: ${r.stderr}`)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** qemu-aarch64 -g PORT elf args: qemu listens before it returns from start-up; poll until it does. */
export async function startQemu(elf: string, args: string[]): Promise<ProgramRun> {
  const port = await freePort();
  const child = spawn('qemu-aarch64', ['-g', String(port), elf, ...args], {
    cwd: FIXTURES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collect(child);
  for (let i = 0; i < 100; i++) {
    // A probe connection would be taken as the debugger: wait on the port being bound instead.
    const bound = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (bound) return { port, done, child };
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  throw new Error('qemu-aarch64 did not listen');
}

/** gdb-multiarch -batch with `target remote` and the given commands; its combined output. */
export function runGdb(port: number, elf: string, commands: string[]): Promise<string> {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  args.push(elf);
  return new Promise((resolve, reject) => {
    execFile('gdb-multiarch', args, { cwd: FIXTURES, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err?.killed) reject(new Error(`gdb-multiarch timed out:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}
