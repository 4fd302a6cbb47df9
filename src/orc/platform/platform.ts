/**
 * Legacy (kept only for OrcSandbox until the debugger and the web stepper use OrcSession; then
 * deleted with it): the in-process Platform gate. The session's gate is the executor runtime's.
 *
 * The `Platform` JITDylib: the executor runtime (runtime-aarch64's prebuilt objects), the alias
 * `__orc_rt_reenter` → `__orc_rt_sysv_resolve`, and `__orc_rt_jit_dispatch`, a host call gate.
 *
 * The gate reads (ctx, tag, data, size) from x0–x3, runs the session's JIT dispatch handler for the
 * tag address with the SPS argument bytes, and returns ORC's CWrapperFunctionResult in x0/x1 (see
 * runtime-aarch64/index.ts). An answer that is ready at once is written at once; otherwise the gate
 * parks the emulated thread (Executor.park) and the executor's loop writes the answer when the
 * handler sends it. An unknown tag answers the out-of-band error "No function registered for tag 0x…".
 */
import {
  loadRuntimeObjects,
  PLATFORM_ALIASES,
  type RuntimeObject,
  readJitDispatchCall,
  writeJitDispatchResult,
} from '../../../runtime-aarch64/index.ts';
import type { Engine } from '../../emu/engine.ts';
import { PROT_EXEC, PROT_READ } from '../../emu/engine.ts';
import type { Executor } from '../../executor/executor.ts';
import type { ProcessHost } from '../../executor/host/process.ts';
import { RET_WORD } from '../../executor/host/process.ts';
import { DEFAULT_PLATFORM_GATE_PAGE, JIT_DISPATCH_SYMBOL } from '../../protocol/epc.ts';
import { outOfBandError, type WrapperFunctionResult } from '../../protocol/wrapper.ts';
import type { ExecutionSession, JITDylib } from '../core/session.ts';
import { JITSymbolFlags } from '../core/types.ts';
import { absoluteSymbols, type SymbolAliasMap, symbolAliases } from '../core/units.ts';
import type { ObjectLinkingLayer } from '../layers/object-linking-layer.ts';

export { DEFAULT_PLATFORM_GATE_PAGE, JIT_DISPATCH_SYMBOL };

/** One JIT dispatch call as seen by the gate (for traces and tests). */
export interface DispatchEvent {
  tag: number;
  args: Uint8Array;
  result: WrapperFunctionResult;
  /** Answered while the emulated thread was parked. */
  parked: boolean;
  /** Instruction count at the gate. */
  instructionCount: number;
  hostMicros: number;
}

export interface PlatformOptions {
  /** Runtime objects (default: runtime-aarch64's prebuilt ones). */
  runtimeObjects?: RuntimeObject[];
  gatePage?: number;
  /** Called after every dispatch is answered. */
  onDispatch?: (ev: DispatchEvent) => void;
}

export class Platform {
  readonly gateAddress: number;
  /** Answers written at the gate so far. */
  dispatches = 0;
  /** Body watch for tracing: set by a listener before an answer is applied (see Executor.Resumption). */
  watchHook: ((result: WrapperFunctionResult) => { address: number; reached(n: number): void } | undefined) | null =
    null;

  constructor(
    readonly session: ExecutionSession,
    readonly jd: JITDylib,
    readonly layer: ObjectLinkingLayer,
    readonly host: ProcessHost,
    readonly executor: Executor,
    private readonly options: PlatformOptions = {},
  ) {
    const engine = host.engine;
    this.gateAddress = options.gatePage ?? DEFAULT_PLATFORM_GATE_PAGE;
    engine.memMap(this.gateAddress, 0x1000, PROT_READ | PROT_EXEC);
    const slot = new Uint8Array(4);
    new DataView(slot.buffer).setUint32(0, RET_WORD, true);
    engine.memWrite(this.gateAddress, slot);
    engine.addHostGate(this.gateAddress, (e) => this.onDispatchGate(e));

    for (const obj of options.runtimeObjects ?? loadRuntimeObjects()) layer.add(jd, obj.bytes, obj.name);
    const aliases: SymbolAliasMap = new Map();
    for (const [alias, target] of PLATFORM_ALIASES)
      aliases.set(alias, { aliasee: target, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable });
    jd.define(symbolAliases(aliases));
    jd.define(
      absoluteSymbols(
        {
          [JIT_DISPATCH_SYMBOL]: {
            address: this.gateAddress,
            flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable,
          },
        },
        '<platform host gates>',
      ),
    );
  }

  private onDispatchGate(engine: Engine): 'park' | undefined {
    const call = readJitDispatchCall(engine);
    const t0 = performance.now();
    const icount = engine.instructionCount();
    const heap = this.host.heap;
    const malloc = (n: number) => heap.alloc(n);
    let answer: WrapperFunctionResult | undefined;
    let late: ((r: WrapperFunctionResult) => void) | undefined;
    const parkable = this.executor.canPark();
    const send = (r: WrapperFunctionResult): void => {
      if (late) late(r);
      else if (answer === undefined) answer = r;
    };
    const event = (result: WrapperFunctionResult, parked: boolean): void => {
      this.dispatches++;
      this.options.onDispatch?.({
        tag: call.tag,
        args: call.args,
        result,
        parked,
        instructionCount: icount,
        hostMicros: Math.round((performance.now() - t0) * 1000),
      });
    };
    this.session.runJITDispatchHandler(send, call.tag, call.args);
    this.session.runTasks();
    if (answer !== undefined && (!parkable || this.watchHook === null)) {
      event(answer, false);
      writeJitDispatchResult(engine, answer, malloc);
      return undefined;
    }
    if (!parkable) {
      // A nested host → emulated call (qsort comparator, exit()'s atexit handlers) cannot wait.
      const err = outOfBandError(
        'lazy reentry from inside a host callback (qsort, exit handlers) cannot wait for the JIT in this executor',
      );
      late = () => {};
      event(err, false);
      writeJitDispatchResult(engine, err, malloc);
      return undefined;
    }
    // Parked: the answer comes later (or, when tracing, is already there and the executor watches
    // the way to the body).
    const ready = answer;
    const p = new Promise<WrapperFunctionResult>((resolve) => {
      if (ready !== undefined) resolve(ready);
      else late = resolve;
    });
    return this.executor.park(
      p.then((r) => {
        event(r, true);
        const watch = this.watchHook?.(r);
        return {
          apply: (e: Engine) => writeJitDispatchResult(e, r, malloc),
          ...(watch ? { watch } : {}),
        };
      }),
    );
  }
}
