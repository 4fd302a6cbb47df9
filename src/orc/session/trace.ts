/** `--trace lazy`: one line per lazy reentry, as `run` prints them on stderr. */
import { hexAddr } from '../core/types.ts';
import type { CallThroughInfo, ReentryRecord } from '../lazy/lazy-reexports.ts';

/** One reentry as `--trace lazy` reports it. */
export interface LazyTraceEvent {
  trampoline: number;
  info: CallThroughInfo | undefined;
  result: ReentryRecord['result'];
  /** Emulated instructions from the trampoline's first instruction to the body's first (success only). */
  instructions: number | undefined;
  hostMicros: number;
  /** The source line of the call (`./src/main.c:10`), when the caller's object has DWARF. */
  caller?: string | undefined;
}

/** Prefix of the runtime objects' names in diagnostics and `Linking …` lines. */
export const RUNTIME_NAME_PREFIX = 'orc-rt/';

/**
 * One `[lazy]` line. Host time is left out unless `hostTimes` (`--trace-times`): without it the
 * trace depends only on the program, its inputs and the seed, so two runs print the same bytes.
 *
 * @param ev - the reentry (trampoline, reexport, outcome, instructions, host time).
 * @param hostTimes - add the host microseconds spent in the reentry (default false).
 * @returns the line, newline included.
 * @example
 * ```ts
 * const s = await openSession({ traceLazy: (ev) => process.stderr.write(formatLazyTrace(ev)) });
 * // [lazy] trampoline 0x0000000010007000: greet -> greet$orc_fnbody (JITDylib main) resolved 0x0000000010011000, 129 insns in reentry
 * ```
 */
export function formatLazyTrace(ev: LazyTraceEvent, hostTimes = false): string {
  const who = ev.info ? `${ev.info.name} -> ${ev.info.bodyName} (JITDylib ${ev.info.jd.name})` : '<unknown trampoline>';
  const what = ev.result.ok ? `resolved ${hexAddr(ev.result.address)}` : `failed: ${ev.result.error}`;
  const insns = ev.instructions === undefined ? '' : `, ${ev.instructions} insns in reentry`;
  const host = hostTimes ? `, host ${ev.hostMicros} us` : '';
  const from = ev.caller === undefined ? '' : `, called from ${ev.caller}`;
  return `[lazy] trampoline ${hexAddr(ev.trampoline)}: ${who} ${what}${insns}${from}${host}\n`;
}
