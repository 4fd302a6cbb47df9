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

export function formatLazyTrace(ev: LazyTraceEvent): string {
  const who = ev.info ? `${ev.info.name} -> ${ev.info.bodyName} (JITDylib ${ev.info.jd.name})` : '<unknown trampoline>';
  const what = ev.result.ok ? `resolved ${hexAddr(ev.result.address)}` : `failed: ${ev.result.error}`;
  const insns = ev.instructions === undefined ? '' : `, ${ev.instructions} insns in reentry`;
  const from = ev.caller === undefined ? '' : `, called from ${ev.caller}`;
  return `[lazy] trampoline ${hexAddr(ev.trampoline)}: ${who} ${what}${insns}, host ${ev.hostMicros} us${from}\n`;
}
