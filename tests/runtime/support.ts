/**
 * Shared setup for the runtime tests: an engine with the Process host functions (ProcessHost),
 * the runtime objects linked by our linker, a scriptable `__orc_rt_jit_dispatch` host gate, and
 * the hand-assembled reentry program (fixtures/reentry.s) linked on top, with `__orc_rt_reenter`
 * resolved to `__orc_rt_sysv_resolve` as the Platform JITDylib's alias does.
 */
import { readFileSync } from 'node:fs';
import {
  loadRuntimeObjects,
  PLATFORM_ALIASES,
  type RuntimeObject,
  readJitDispatchCall,
  writeJitDispatchResult,
} from '../../runtime-aarch64/index.ts';
import type { Engine, EngineKind } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { ProcessHost } from '../../src/executor/host/index.ts';
import { link } from '../../src/linker/link.ts';
import { EngineMemoryManager } from '../../src/linker/memory.ts';
import { linkObjects } from '../../src/linker/session.ts';
import {
  SPSExecutorAddr,
  SPSExecutorSymbolDef,
  SPSExpected,
  type SPSExpectedValue,
  type SPSSymbolDef,
  spsDeserialize,
  spsSerialize,
} from '../../src/protocol/sps.ts';

export const FIXTURES = new URL('./fixtures/', import.meta.url);

export function fixtureObject(name: string): RuntimeObject {
  return { name, bytes: new Uint8Array(readFileSync(new URL(name, FIXTURES))) };
}

/** What the dispatch gate saw. */
export interface DispatchRecord {
  ctx: number;
  tag: number;
  args: Uint8Array;
  /** The argument decoded as SPSExecutorAddr (undefined when it does not decode). */
  trampoline: number | undefined;
}

/** How the scripted gate answers: an SPS Expected, raw result bytes, or an out-of-band error. */
export type GateAnswer =
  | { kind: 'expected'; value: SPSExpectedValue<SPSSymbolDef> }
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'oob'; error: string };

export interface RuntimeWorld {
  engine: Engine;
  host: ProcessHost;
  /** Address of a runtime or program symbol. */
  sym(name: string): number;
  dispatches: DispatchRecord[];
  /** Answer for the next dispatches; default: the program's `body`. */
  answer: (rec: DispatchRecord) => GateAnswer;
  /** Called inside the gate before answering (e.g. to redirect the stub, as ORC does). */
  onDispatch?: (rec: DispatchRecord) => void;
  stderr(): string;
  /** Size of __orc_rt_sysv_resolve. */
  reentrySize: number;
}

export interface WorldOptions {
  /** Leave `__orc_rt_jit_dispatch` undefined (the runtime must report it). */
  withoutDispatchGate?: boolean;
}

export async function makeWorld(kind: EngineKind, options: WorldOptions = {}): Promise<RuntimeWorld> {
  const engine = await createEngine(kind);
  const err: Uint8Array[] = [];
  const host = new ProcessHost(engine, { stderr: (b) => err.push(b.slice()) });
  const world: RuntimeWorld = {
    engine,
    host,
    sym: () => 0,
    dispatches: [],
    answer: () => ({ kind: 'expected', value: { ok: true, value: { address: world.sym('body'), flags: 0 } } }),
    stderr: () => Buffer.concat(err).toString('utf8'),
    reentrySize: 0,
  };
  if (!options.withoutDispatchGate) {
    host.defineFunction('__orc_rt_jit_dispatch', (c) => {
      const call = readJitDispatchCall(c.engine);
      let trampoline: number | undefined;
      try {
        [trampoline] = spsDeserialize([SPSExecutorAddr], call.args);
      } catch {
        trampoline = undefined;
      }
      // A host function may clobber every caller-saved register (AAPCS64): x0–x17 and q0–q7,
      // q16–q31 entirely, the upper halves of q8–q15. Do so, so that only what the runtime saved survives.
      for (let i = 0; i < 18; i++) c.engine.setX(i, 0xbad0_0000_0000_0000n + BigInt(i));
      for (let i = 0; i < 32; i++) {
        const q = `q${i}` as const;
        const low = c.engine.regRead(q) & ((1n << 64n) - 1n);
        c.engine.regWrite(q, i >= 8 && i <= 15 ? (0xbad1n << 64n) | low : (0xbad2n << 64n) | BigInt(i));
      }
      const rec = { ...call, trampoline };
      world.dispatches.push(rec);
      world.onDispatch?.(rec);
      const a = world.answer(rec);
      const malloc = (n: number) => host.heap.alloc(n);
      if (a.kind === 'oob') writeJitDispatchResult(c.engine, { ok: false, error: a.error }, malloc);
      else {
        const data = a.kind === 'raw' ? a.bytes : spsSerialize([SPSExpected(SPSExecutorSymbolDef)], [a.value]);
        writeJitDispatchResult(c.engine, { ok: true, data }, malloc);
      }
      return undefined;
    });
  }
  host.install();

  const memoryManager = new EngineMemoryManager(engine, { slabAddress: 0x1000_0000 });
  const absolutes = new Map<string, number>();
  for (const [n, d] of host.symbols) absolutes.set(n, d.address);
  const rt = await linkObjects(loadRuntimeObjects(), { memoryManager, absolutes });
  const table = new Map<string, number>();
  for (const [n, s] of rt.symbols) table.set(n, s.address);
  for (const [alias, target] of PLATFORM_ALIASES) table.set(alias, table.get(target) as number);
  const prog = await link(fixtureObject('reentry.o').bytes, 'reentry.o', {
    memoryManager,
    async resolve(externals) {
      const m = new Map<string, { address: number }>();
      for (const e of externals) {
        const a = table.get(e.name);
        if (a !== undefined) m.set(e.name, { address: a });
      }
      return m;
    },
  });
  for (const [n, s] of prog.symbols) table.set(n, s.address);
  world.sym = (name) => {
    const a = table.get(name);
    if (a === undefined) throw new Error(`no symbol ${name}`);
    return a;
  };
  for (const r of rt.results) {
    const s = r.symbols.get('__orc_rt_sysv_resolve');
    if (s) world.reentrySize = s.size;
  }
  return world;
}

export function u64le(v: bigint | number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return b;
}

export function readU64(engine: Engine, addr: number): bigint {
  return new DataView(engine.memRead(addr, 8).buffer).getBigUint64(0, true);
}

export function readU128(engine: Engine, addr: number): bigint {
  const dv = new DataView(engine.memRead(addr, 16).buffer);
  return dv.getBigUint64(0, true) | (dv.getBigUint64(8, true) << 64n);
}

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
