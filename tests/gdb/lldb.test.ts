/**
 * lldb-16 (Debian's lldb-16 package) against `orc-sandbox run --gdb`: it attaches with
 * `gdb-remote`, and given the executor file (the one the stub serves to gdb; lldb does not fetch an
 * exec file over the remote protocol) its JITLoaderGDB plugin reads `__jit_debug_descriptor`, so a
 * pending breakpoint on a lazy function resolves after the lazy link with source file and line,
 * and `bt` shows the caller. Same program as jit-interface.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { SessionGdbTarget } from '../../src/gdb/session-target.ts';
import { openSession } from '../../src/orc/session/session.ts';
import { describeWithOracles } from '../support/oracles.ts';

const DIR = fileURLToPath(new URL('./fixtures/jit/', import.meta.url));
const INPUTS = [`${DIR}obj/main.o`, '-lazy', `${DIR}obj/tally.o`, '-lazy', `${DIR}obj/label.o`];
const tmp = mkdtempSync(join(tmpdir(), 'orc-lldb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lldb(commands: string[]): Promise<string> {
  const args = ['--no-lldbinit', '--batch'];
  for (const c of commands) args.push('-o', c);
  return new Promise((resolve, reject) => {
    execFile('lldb-16', args, { cwd: DIR, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err?.killed) reject(new Error(`lldb timed out:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

describeWithOracles(['lldb'], 'lldb-16 on run --gdb', () => {
  it('attaches, resolves a pending breakpoint on a lazy function through the GDB JIT interface, bt, exit status', async () => {
    // The executor file as the stub serves it (the session's fixed symbols; deterministic).
    const probe = await openSession({ stdout: () => {} });
    const file = new SessionGdbTarget(probe).execFile();
    await probe.close();
    const executor = join(tmp, 'executor.elf');
    writeFileSync(executor, file!.bytes);
    let stdout = '';
    let out: Promise<string> | undefined;
    const status = await runCommand(['--gdb', '127.0.0.1:0', ...INPUTS], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(s);
        if (m)
          out = lldb([
            `target create ${executor}`,
            `gdb-remote 127.0.0.1:${m[1]}`,
            'breakpoint set --name tally',
            'continue',
            'bt',
            'register read x0',
            'breakpoint delete --force',
            'continue',
          ]);
      },
      stdin: new Uint8Array(0),
    });
    const text = await out!;
    expect(text).toMatch(/frame #0: 0x0000000010000000 JIT\(0x[0-9a-f]+\)`main at main\.c:7/);
    expect(text).toContain('Breakpoint 1: no locations (pending).');
    expect(text).toContain('1 location added to breakpoint 1');
    expect(text).toMatch(
      /stop reason = breakpoint 1\.1\n {4}frame #0: 0x[0-9a-f]{16} JIT\(0x[0-9a-f]+\)`tally\(n=1\) at tally\.c:6:18/,
    );
    expect(text).toMatch(/frame #1: 0x[0-9a-f]{16} JIT\(0x[0-9a-f]+\)`main at main\.c:10:14/);
    expect(text).toMatch(/x0 = 0x0000000000000001/);
    expect(text).toContain('Process 1 exited with status = 2 (0x00000002)');
    expect(stdout).toBe('total 23 (plenty)\n');
    expect(status).toBe(2);
  }, 90_000);
});
