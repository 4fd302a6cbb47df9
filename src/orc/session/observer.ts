/**
 * The public observer API of a session: consumers (the debugger, the web page, tests) subscribe
 * with `session.observe(observer)` and get an unsubscribe function; nobody patches session fields.
 * Every method is optional and called synchronously, in event order.
 */

import type { ProgramResult } from '../../executor/host/runner.ts';
import type { LinkResult } from '../../linker/link.ts';
import type { DebugStop } from '../../protocol/debug.ts';
import type { JITDylib } from '../core/session.ts';
import type { CallThroughInfo, ReentryRecord } from '../lazy/lazy-reexports.ts';
import type { PointerWrite } from '../lazy/redirectable-symbols.ts';

/**
 * Callbacks of session.observe(): linking, lazy reexports, reentries, stub pointer writes, output,
 * stops and exit; all optional, called synchronously in event order.
 *
 * @example
 * ```ts
 * const off = session.observe({ onObjectLinked: ({ name }) => console.log('linked', name) });
 * await session.run('main');
 * off();
 * ```
 */
export interface SessionObserver {
  /** A graph was linked and its memory finalized in the executor (name: the graph's, e.g. `greet.o`). */
  onObjectLinked?(ev: { name: string; jd: JITDylib; result: LinkResult }): void;
  /** Lazy reexports (stubs + reentry trampolines) were created for `jd`. */
  onLazyReexportsCreated?(ev: {
    jd: JITDylib;
    reexports: readonly { alias: string; body: string; trampoline: number }[];
  }): void;
  /** A lazy reexport was called for the first time: the program is in the reentry routine. */
  onLazyReentry?(info: CallThroughInfo): void;
  /** The reentry was resolved (the body linked, or the failure). */
  onReentryResolved?(record: ReentryRecord): void;
  /** Stub pointers were written (a redirect after a resolution, or the initial stub targets). */
  onPointerWrite?(writes: readonly PointerWrite[]): void;
  /** Program output, in program order (fd 1 stdout, 2 stderr; includes run's fault message). */
  onOutput?(fd: 1 | 2, bytes: Uint8Array): void;
  /** A debugged run stopped (breakpoint, step, watchpoint, interrupt, fault, exit). */
  onStop?(stop: DebugStop): void;
  /** `run` finished: the program's result (not called when the run failed with an error). */
  onExit?(result: ProgramResult): void;
}

/**
 * A list of observers that is itself an observer (each event goes to every subscriber).
 *
 * @example
 * ```ts
 * const list = new ObserverList();
 * const off = list.add({ onExit: (r) => console.log(r.status) });
 * off();
 * ```
 */
export class ObserverList {
  private readonly list: SessionObserver[] = [];

  add(o: SessionObserver): () => void {
    this.list.push(o);
    return () => {
      const i = this.list.indexOf(o);
      if (i >= 0) this.list.splice(i, 1);
    };
  }

  get size(): number {
    return this.list.length;
  }

  emit<K extends keyof SessionObserver>(key: K, ...args: Parameters<NonNullable<SessionObserver[K]>>): void {
    for (const o of [...this.list]) {
      const f = o[key] as ((...a: typeof args) => void) | undefined;
      f?.apply(o, args);
    }
  }
}
