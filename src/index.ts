/**
 * orc-sandbox: a pure-TypeScript AArch64 emulator with an LLVM-ORC-style lazy-linking sandbox.
 *
 * The main entry holds what a test of prebuilt AArch64 objects needs: open a session with objects
 * (some lazy), run it under a seed, read its output, instruction count and stub states. The full
 * surfaces are the subpath entries `orc-sandbox/session`, `orc-sandbox/engine`,
 * `orc-sandbox/linker`, `orc-sandbox/debug` and `orc-sandbox/fuzz`.
 *
 * @example
 * ```ts
 * import { openSessionWithObjects, stubStates } from 'orc-sandbox';
 * const s = await openSessionWithObjects([{ name: 'main.o', bytes }, { name: 'math.o', bytes: m, lazy: true }],
 *   { seed: 1, stdout: (b) => out.push(b) });
 * const r = await s.run('main');              // { status, reason, instructions }
 * const stubs = await stubStates(s);          // which lazy stubs now point at their bodies
 * await s.close();
 * ```
 */
export { createEngine, type Engine, type EngineKind, type EngineOptions } from './api/engine.ts';
export {
  type OrcSession,
  openSession,
  openSessionWithObjects,
  type ProgramResult,
  type SandboxObject,
  type SessionObserver,
  type SessionOptions,
  type StubState,
  stubStates,
} from './api/session.ts';
