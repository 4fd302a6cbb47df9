/**
 * `orc-sandbox run`: links objects into the ORC session (JITDylibs main → Platform → Process),
 * lazily where an input is preceded by `-lazy`, and runs the entry point in the executor (in this
 * thread, or a worker with `--executor worker`); the exit status is the program's. The emulated
 * thread parks while the controller resolves a lazy function.
 */
import type { OrcSession } from '../../orc/session/session.ts';
import { ExecutorDiedError } from '../../protocol/epc.ts';
import { runSessionUnderGdb } from '../gdb.ts';
import type { Command } from '../main.ts';
import { openRunSession, parseRunInvocation, RUN_OPTIONS, runInvocation } from '../run-options.ts';

export interface RunCliOptions {
  write?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Name of an input in diagnostics and `Linking …` lines (default: the path as given). */
  displayName?: (file: string) => string;
  /** What the program's read(0) sees (default: this process's stdin, read on first use). */
  stdin?: Uint8Array;
  /** Sees the session once it is open (tests: kill the worker, count messages). */
  onSession?: (session: OrcSession) => void;
}

export async function runCommand(argv: string[], io: RunCliOptions = {}): Promise<number> {
  const write = io.write ?? ((s: string) => process.stdout.write(s));
  const writeErr = io.writeErr ?? ((s: string) => process.stderr.write(s));
  const inv = parseRunInvocation(argv, {}, { stdin: io.stdin, displayName: io.displayName });
  let session: OrcSession | undefined;
  try {
    session = await openRunSession(inv, { write, writeErr });
    io.onSession?.(session);
    if (inv.noexec) {
      await session.link(inv.entry);
      return 0;
    }
    if (inv.gdb !== undefined) {
      const s = session;
      return await runSessionUnderGdb(s, inv.entry, inv.argv, inv.gdb, writeErr, (debug) =>
        runInvocation(s, inv, writeErr, debug),
      );
    }
    const result = await runInvocation(session, inv, writeErr);
    return result.status;
  } catch (e) {
    const epc = session?.epc as { died?: ExecutorDiedError | null } | undefined;
    const died = e instanceof ExecutorDiedError ? e : (epc?.died ?? null);
    if (died) {
      writeErr(`orc-sandbox run: ${died.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await session?.close();
  }
}

export const command: Command = {
  summary: 'link objects with the ORC layer (lazily after -lazy) and run them on the emulator',
  usage: 'orc-sandbox run [options] main.o [-lazy] a.o … [lib.a] [-lNAME]… [-- args]',
  description: `Inputs are ELF64 AArch64 relocatable objects and static archives, linked into JITDylib main in
the order given; -lazy before an input links it lazily (each function becomes a stub whose first
call links the object). The entry point gets argv = [first input, args after --]. The exit status
is the program's; a fault gives 128 + signal with the reason on stderr. libc functions the inputs
do not define come from the emulated runtime (see docs/libc-fallbacks.md).`,
  options: RUN_OPTIONS,
  examples: [
    {
      command: 'npx orc-sandbox run main.o -lazy greet.o -lazy math.o -- hello',
      explanation: 'link main.o now, greet.o and math.o on first call; argv[1] = hello',
    },
    {
      command: 'npx orc-sandbox run --show-linked-files --trace lazy --seed 3 main.o -lazy util.o',
      explanation: 'show what gets linked and each lazy reentry (same seed, same bytes)',
    },
    {
      command: 'npx orc-sandbox run --engine unicorn --max-insns 1000000 main.o -L lib -lutil',
      explanation: 'on native Unicorn, with lib/libutil.a as an archive, at most a million instructions',
    },
  ],
  run: (argv) => runCommand(argv),
};
