/** Wires a ThreadScheduler into an executor and the `Process` JITDylib. */

import type { Executor } from '../../executor/executor.ts';
import type { ProcessHost } from '../../executor/host/process.ts';
import { type ThreadOptions, ThreadScheduler } from '../../executor/threads/scheduler.ts';
import type { JITDylib } from '../core/session.ts';
import { absoluteSymbols } from '../core/units.ts';

/**
 * Creates the scheduler, makes it run every executor call, and defines the pthread functions in
 * `processJD`. A name the Process host already defines (say a future plain `sched_yield`) keeps the
 * host's definition.
 */
export function installThreads(
  host: ProcessHost,
  executor: Executor,
  processJD: JITDylib,
  options: ThreadOptions = {},
): ThreadScheduler {
  const scheduler = new ThreadScheduler(host, executor, options);
  executor.scheduler = scheduler;
  const defs = new Map([...scheduler.symbols].filter(([name]) => host.symbol(name) === undefined));
  if (defs.size > 0) processJD.define(absoluteSymbols(defs, '<thread functions>'));
  return scheduler;
}
