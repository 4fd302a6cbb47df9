/**
 * Public session API (`orc-sandbox/session`): open a sandbox session, add prebuilt AArch64 ELF
 * relocatable objects (eagerly or lazily linked), run them, and inspect the lazy-linking state.
 */
import { type OrcSession, openSession } from '../orc/session/index.ts';
import type { SessionOptions } from '../orc/session/options.ts';

export type { ProgramResult } from '../executor/host/runner.ts';
export type { CallThroughInfo, ReentryRecord } from '../orc/lazy/lazy-reexports.ts';
export * from '../orc/session/index.ts';

/** One input object of {@link openSessionWithObjects}. */
export interface SandboxObject {
  /** The object's name in diagnostics, `Linking …` lines and traces (e.g. `math.o`). */
  name: string;
  /** The bytes of an AArch64 ELF relocatable object (`clang --target=aarch64-linux-gnu -c`). */
  bytes: Uint8Array;
  /**
   * true: the object's functions are reached through lazy reexports (a stub whose pointer first
   * targets a reentry trampoline); the object links on the first call of one of them. Default false
   * (linked with the first `link`/`run`).
   */
  lazy?: boolean;
}

/**
 * Opens a session ({@link openSession}; every default is `orc-sandbox run`'s) and adds `objects`
 * to its main JITDylib in order. Nothing links or runs until `link(entry)` or `run(entry)`.
 *
 * @throws whatever `addObject` throws for a malformed object (a typed ELF/linker error naming the
 *   object); the session is closed first, so no executor (worker) is left behind.
 *
 * @param objects - the objects in link order, each with its name and whether it links lazily.
 * @param options - the session's options (seed, engine, executor, output sinks, …).
 * @returns the open session; run it, then close() it.
 * @example
 * ```ts
 * import { openSessionWithObjects } from 'orc-sandbox';
 * const s = await openSessionWithObjects([
 *   { name: 'main.o', bytes: mainBytes },
 *   { name: 'math.o', bytes: mathBytes, lazy: true },
 * ], { seed: 7 });
 * const { status, instructions } = await s.run('main');
 * await s.close();
 * ```
 */
export async function openSessionWithObjects(
  objects: readonly SandboxObject[],
  options: SessionOptions = {},
): Promise<OrcSession> {
  const s = await openSession(options);
  try {
    for (const o of objects) s.addObject(o.bytes, o.name, { lazy: o.lazy ?? false });
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

/** The state of one lazy reexport's stub, as {@link stubStates} reads it from executor memory. */
export interface StubState {
  /** The lazy reexport (the name callers link against), e.g. `fib`. */
  name: string;
  /** The body the first call looks up (the implementation symbol). */
  bodyName: string;
  /** The JITDylib holding the reexport (`main` for objects added without `jd`). */
  jd: string;
  /** The reentry trampoline of this reexport (the pointer's target until the first call). */
  trampoline: number;
  /** Address of the stub's pointer in executor memory (undefined if it was never emitted). */
  pointer: number | undefined;
  /** The pointer's current value (undefined if `pointer` is undefined or unreadable). */
  target: number | undefined;
  /** true once the pointer targets the body (the reexport was called and its object linked). */
  resolved: boolean;
}

/**
 * Every lazy reexport of the session with its stub pointer read from executor memory, sorted by
 * name. Valid after `link`/`run` (before the first link there are no reexports: the result is
 * empty) and after the run ended (the executor keeps its memory until `close`).
 *
 * @param session - a session that has linked (or run) its program.
 * @returns one row per lazy reexport: its stub pointer and whether it targets the body yet.
 * @example
 * ```ts
 * await s.run('main');
 * const called = (await stubStates(s)).filter((st) => st.resolved).map((st) => st.name); // e.g. ['fib', 'greet']
 * ```
 */
export async function stubStates(session: OrcSession): Promise<StubState[]> {
  const rows: StubState[] = [];
  for (const [trampoline, info] of session.lrm.callThroughs) {
    const pointer = session.rsm.pointerAddress(info.jd, info.name);
    let target: number | undefined;
    if (pointer !== undefined) {
      try {
        const b = await session.readMemory(pointer, 8);
        target = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
      } catch {
        target = undefined;
      }
    }
    rows.push({
      name: info.name,
      bodyName: info.bodyName,
      jd: info.jd.name,
      trampoline,
      pointer,
      target,
      resolved: target !== undefined && target !== trampoline,
    });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.jd < b.jd ? -1 : 1));
}
