/**
 * What the debug control layer needs from a session: the part of OrcSession (src/orc/session) a
 * debugger uses. The linking side (JITDylibs, lazy reexports, stub pointers) is read through
 * public fields and the observer API; the executor side (registers, memory, breakpoints,
 * watchpoints, resume, interrupt) through the executor-level debug primitives, which go over the
 * executor-process-control interface (direct calls in process, messages to a worker). Nothing here
 * patches a session field.
 */

import type { ProgramResult } from '../executor/host/runner.ts';
import type { JITDylib } from '../orc/core/session.ts';
import type { ObjectLinkingLayerPlugin } from '../orc/layers/object-linking-layer.ts';
import type { CallThroughInfo, ReentryRecord } from '../orc/lazy/lazy-reexports.ts';
import type { SessionObserver } from '../orc/session/observer.ts';
import type { DebugRegisters, DebugResume, DebugRunOptions, DebugStop, DebugWatchpoint } from '../protocol/debug.ts';

export type { DebugRegisters, DebugResume, DebugRunOptions, DebugStop, DebugWatchpoint, SessionObserver };

export interface DebugSession {
  readonly kind: 'in-process' | 'worker';
  readonly engineKind: 'ts' | 'unicorn';
  readonly es: { getJITDylibs(): readonly JITDylib[] };
  readonly lrm: {
    readonly callThroughs: ReadonlyMap<number, CallThroughInfo>;
    callThrough(trampoline: number): CallThroughInfo | undefined;
    trampolineOf(jd: JITDylib, name: string): number | undefined;
  };
  readonly rsm: { pointerAddress(jd: JITDylib, name: string): number | undefined };
  readonly bootstrap: {
    readonly jitDispatch: number;
    readonly returnSentinel: number;
    readonly processSymbols: readonly { name: string; address: number }[];
  };
  readonly reentries: readonly ReentryRecord[];
  /** The object linking layer, for its plugin hooks (the debugger reads each linked object's DWARF). */
  readonly layer?: { addPlugin(p: ObjectLinkingLayerPlugin): unknown };

  observe(o: SessionObserver): () => void;
  link(entry?: string): Promise<number>;
  run(
    entry?: string,
    options?: { argv?: string[]; maxInstructions?: number | undefined; debug?: DebugRunOptions },
  ): Promise<ProgramResult>;
  close(): Promise<void>;

  readRegisters(): Promise<DebugRegisters>;
  readMemory(address: number, size: number): Promise<Uint8Array>;
  memoryRegions(): Promise<{ begin: number; end: number; perms: number }[]>;
  setBreakpoints(addresses: number[]): Promise<void>;
  setWatchpoints(ws: DebugWatchpoint[]): Promise<void>;
  resume(mode: DebugResume): Promise<void>;
  interrupt(): Promise<void>;
}
