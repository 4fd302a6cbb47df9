/**
 * When the executor dies (worker killed, crashes, exits, or stops answering) the controller says
 * `executor process died: …` and fails every pending request instead of hanging; the CLI prints it
 * and exits 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { PROT_EXEC, PROT_READ } from '../../src/emu/engine.ts';
import { WorkerEPC } from '../../src/orc/epc/worker-epc.ts';
import { OrcSession } from '../../src/orc/session/session.ts';
import { ExecutorDiedError } from '../../src/protocol/epc.ts';

const demo = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
const obj = (n: string) => new Uint8Array(readFileSync(`${demo}${n}`));

const open: WorkerEPC[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function demoSandbox() {
  const out: string[] = [];
  const epc = await WorkerEPC.start({
    stdout: (b) => out.push(new TextDecoder().decode(b)),
    stderr: () => {},
  });
  open.push(epc);
  const sb = new OrcSession(epc);
  sb.addObject(obj('main.o'), 'main.o');
  for (const n of ['greet.o', 'math.o', 'data.o', 'rarely.o']) sb.addObject(obj(n), n, { lazy: true });
  return { epc, sb, out };
}

describe('executor death', () => {
  it('a worker killed during the first lazy call: the run fails with "executor process died", no hang', async () => {
    const { epc, sb, out } = await demoSandbox();
    sb.lrm.listeners.push({ onLazyReexportCalled: () => void epc.kill() });
    const t0 = Date.now();
    const err = await sb.run('main').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecutorDiedError);
    expect((err as Error).message).toMatch(/^executor process died: worker exited unexpectedly with code \d+$/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out.join('')).toContain('main: counter=42');
    // Later requests fail at once.
    await expect(epc.readMemory({ address: 0x1000_0000, size: 4 })).rejects.toThrow(/executor process died/);
  });

  it('an uncaught exception in the worker', async () => {
    const epc = await WorkerEPC.start({});
    open.push(epc);
    const died = new Promise<ExecutorDiedError>((resolve) => epc.onDeath(resolve));
    await epc.crash('throw');
    expect((await died).message).toBe(
      'executor process died: uncaught exception in the executor: Error: executor crash requested',
    );
    await expect(epc.call(0x0e00_0000, [])).rejects.toThrow(
      /^executor process died: uncaught exception in the executor: Error: executor crash requested$/,
    );
  });

  it('the worker exits (process.exit in the executor)', async () => {
    const epc = await WorkerEPC.start({});
    open.push(epc);
    await expect(epc.crash('exit')).rejects.toThrow(/^executor process died: worker exited unexpectedly with code 3$/);
  });

  it('a request that is never answered times out (executor stuck in `b .`)', async () => {
    const epc = await WorkerEPC.start({ requestTimeoutMs: 300 });
    open.push(epc);
    const page = 0x2000_0000;
    await epc.reserve([{ address: page, size: 0x1000 }]);
    const loop = new Uint8Array([0x00, 0x00, 0x00, 0x14]); // b .
    await epc.finalize(
      [{ address: page, bytes: loop }],
      [{ address: page, size: 0x1000, prot: PROT_READ | PROT_EXEC }],
    );
    const running = epc.call(page, []);
    await expect(epc.readMemory({ address: page, size: 4 })).rejects.toThrow(
      /^executor process died: no answer to 'readMemory' within 300 ms$/,
    );
    await expect(running).rejects.toThrow(/executor process died/);
  });

  it('the CLI reports it and exits 1 (executor killed while greet.o links)', async () => {
    let stdout = '';
    let stderr = '';
    let epc: WorkerEPC | undefined;
    const status = await runCommand(
      [
        '--executor',
        'worker',
        '--show-linked-files',
        `${demo}main.o`,
        '-lazy',
        `${demo}greet.o`,
        '-lazy',
        `${demo}math.o`,
        '-lazy',
        `${demo}data.o`,
        '-lazy',
        `${demo}rarely.o`,
      ],
      {
        write: (s) => {
          stdout += s;
          if (s.startsWith('Linking ') && s.endsWith('greet.o\n')) void epc?.kill();
        },
        writeErr: (s) => {
          stderr += s;
        },
        onSession: (s) => {
          epc = s.epc as WorkerEPC;
        },
      },
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(/^orc-sandbox run: executor process died: worker exited unexpectedly with code \d+\n$/);
    expect(stdout).toContain('main: counter=42');
    expect(stdout).not.toContain('greet: hello');
  });
});
