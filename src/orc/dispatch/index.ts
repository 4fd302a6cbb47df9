/**
 * JIT dispatch: SPS serialization, wrapper-function handlers, and the handler table keyed by tag
 * addresses (kept on the ExecutionSession: `registerJITDispatchHandlers` / `runJITDispatchHandler`).
 */

import type { JITDispatchHandler, WrapperFunctionResult } from '../../protocol/wrapper.ts';
import type { ExecutionSession, JITDylib } from '../core/session.ts';
import type { ExecutorAddr } from '../core/types.ts';

export * from '../../protocol/sps.ts';
export * from '../../protocol/wrapper.ts';

/** Registers `tagName → handler` for the tags `jd` defines (others are skipped, as in ORC). */
export function registerJITDispatchHandlers(
  es: ExecutionSession,
  jd: JITDylib,
  handlers: Record<string, JITDispatchHandler> | Map<string, JITDispatchHandler>,
): Promise<void> {
  return es.registerJITDispatchHandlers(jd, handlers);
}

/**
 * Runs the handler for `tagAddr` and drains the session's queue; returns the result if the handler
 * answered by then, else undefined (it answers later through `onLate`).
 */
export function runJITDispatchHandlerSync(
  es: ExecutionSession,
  tagAddr: ExecutorAddr,
  args: Uint8Array,
  onLate?: (r: WrapperFunctionResult) => void,
): WrapperFunctionResult | undefined {
  let result: WrapperFunctionResult | undefined;
  let returned = false;
  es.runJITDispatchHandler(
    (r) => {
      if (returned) onLate?.(r);
      else result = r;
    },
    tagAddr,
    args,
  );
  es.runTasks();
  returned = true;
  return result;
}
