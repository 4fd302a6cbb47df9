/**
 * Runs one case through the one session (in process) and checks the properties on every operation:
 *  - results: what the host reads back (x0, or a struct returned through x8) equals the eager
 *    reference (semantics.ts); for concurrent calls racing a redirect, the result before or after it;
 *  - ABI: x19–x28, d8–d15, sp and FPCR equal their values before the call, whatever reentries ran
 *    (NZCV and FPSR are not preserved by the AAPCS64, so they are not compared);
 *  - linking: a lazy object is linked exactly when the reference says (first call that reaches one
 *    of its bodies through a stub, or a redirect to one of its bodies), each object at most once per
 *    tracker lifetime — also when several threads make the same first call — and a removed object
 *    links again on its next call after re-adding;
 *  - reentry: exactly the reexports whose stub pointer still holds the trampoline reenter, once each
 *    (under threads: each at most once per thread); after a redirect every caller (host, `bl`
 *    through the stub, pointers in data, host callbacks) reaches the new body;
 *  - faults: a call whose body fails to link aborts with status 134 and the message
 *    `error resolving implementation for stub 0x…: …` carrying the injected root cause; the body
 *    stays failed for the rest of its tracker's lifetime (ORC's error state) and links after the
 *    tracker is removed and the object re-added;
 *  - code writes: a patched body runs its new code on its next call (the ts engine's decoded-block
 *    cache must notice the write).
 * While the JIT resolves a reentry the program is inside a call (the dispatch gate), so the runner
 * clobbers every caller-saved register there, as any ABI-conforming callee may: a runtime that does
 * not save/restore what it must is caught even though the host handler itself touches nothing.
 */
import { loadRuntimeObjects, type RuntimeObject } from '../../../runtime-aarch64/index.ts';
import { type EngineKind, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import type { HostGenerator } from '../../executor/host/process.ts';
import type { ExecutorRuntime } from '../../executor/runtime.ts';
import type { ResourceTracker } from '../../orc/core/session.ts';
import { JITSymbolFlags } from '../../orc/core/types.ts';
import { absoluteSymbols } from '../../orc/core/units.ts';
import { bodyName } from '../../orc/layers/lazy-object-linking-layer.ts';
import { openSession, type SessionOptions } from '../../orc/session/index.ts';
import { constantWords, HOST_APPLY, objectBytes, PATCH_OFFSET } from './codegen.ts';
import type { Mutant } from './mutants.ts';
import { type FnDef, type FuzzCase, fnName, type Op, objName } from './program.ts';
import { applyOp, type Expected, faultCause, hostCall, Model, NeedUserValue } from './semantics.ts';
import { B, BLOCK_SIZE, HARNESS, harnessCode, T } from './threads.ts';
import type { UserObjects, UserReference } from './user-objects.ts';

/** Options of runLazyCase (exported as LazyCaseRunOptions). */
export interface RunOptions {
  engine?: EngineKind;
  mutant?: Mutant;
  /** Clobber caller-saved registers during reentry (default true). */
  poison?: boolean;
  /** Instruction budget of one call (default 200k: generated calls take a few thousand). */
  maxInstructions?: number;
  /** Runtime objects in place of runtime-aarch64's (a mutant's own take precedence). */
  runtimeObjects?: RuntimeObject[];
  /** LLVM's ORC runtime archive instead of ours (`--orc-runtime`; docs/orc-runtime.md). */
  orcRuntime?: SessionOptions['orcRuntime'];
  /** C++ fallback objects for `orcRuntime` (default: read by openSession on each case). */
  orcRuntimeFallbackObjects?: SessionOptions['orcRuntimeFallbackObjects'];
  /** Users' objects (`--objects`) and their eager reference session; needed when the case calls them. */
  user?: { objects: UserObjects; reference: UserReference };
  /** Counts operation kinds and reentry-routine instructions into this record. */
  coverage?: Coverage;
}

/** Campaign coverage: counts that add up across cases and shards. */
export interface Coverage {
  /** Operations run, by kind. */
  ops: Record<string, number>;
  /** Instructions of the reentry routine executed, by offset from its entry (`+0x1c`). */
  reentryPcs: Record<string, number>;
  /**
   * Reentries by the register state they carried: live argument registers of the reentering
   * function (`x3 v2:dq s1`, `x8` for a struct return) and the context (`threads`, `callback`).
   */
  reentryStates: Record<string, number>;
  /** Outcomes worth counting: expected aborts, failed redirect lookups, patches applied, races. */
  events: Record<string, number>;
}

export const emptyCoverage = (): Coverage => ({ ops: {}, reentryPcs: {}, reentryStates: {}, events: {} });

const STACK = { base: 0x6f00_0000, size: 0x1_0000 };
/** Where the host puts a struct-return buffer (x8) for its own calls: low in the stack region. */
const SRET_BUF = STACK.base + 0x100;
const M64 = (1n << 64n) - 1n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const bump = (r: Record<string, number>, k: string, n = 1): void => {
  r[k] = (r[k] ?? 0) + n;
};

// The runtime objects, read once per thread rather than once per case: the linker copies what it
// links out of them (never writes to them), so every session of the thread can share the bytes.
let ownRuntimeObjects: RuntimeObject[] | undefined;
const ownRuntime = (): RuntimeObject[] => {
  ownRuntimeObjects ??= loadRuntimeObjects();
  return ownRuntimeObjects;
};
const mutantRuntimes = new WeakMap<Mutant, RuntimeObject[]>();
function mutantRuntime(m: Mutant): RuntimeObject[] | undefined {
  let objects = mutantRuntimes.get(m);
  if (!objects && m.runtimeObjects) {
    objects = m.runtimeObjects();
    mutantRuntimes.set(m, objects);
  }
  return objects;
}

/** Scheduler tuning: short slices and latencies, so first calls of short bodies really overlap. */
const SCHED = { minSlice: 2, maxSlice: 64, minJitLatency: 8, maxJitLatency: 256 };

/**
 * Runs one lazy-linking case (exported as runLazyCase) through a session and checks every
 * property: results equal the model's, preserved registers survive reentry, stubs point where they
 * should.
 *
 * @param c - the case (from a campaign or a replay file).
 * @param options - engine, planted mutant, register poisoning, instruction budget.
 * @returns the problems found (empty: the case passed).
 * @example
 * ```ts
 * import { lazyCampaign, runLazyCase } from 'orc-sandbox/fuzz';
 * const r = await lazyCampaign({ cases: 20 });
 * if (r.shrunk) console.log(await runLazyCase(r.shrunk, { engine: 'ts' }));
 * ```
 */
export async function runCase(c: FuzzCase, options: RunOptions = {}): Promise<string[]> {
  const p = c.program;
  const problems: string[] = [];
  const mutant = options.mutant;
  const firstConcurrent = c.ops.find((o) => o.kind === 'concurrent');
  let onSwitch: (() => void) | undefined;
  let stderrText = '';
  const dec = new TextDecoder();
  const runtimeObjects = mutant?.runtimeObjects ? mutantRuntime(mutant) : (options.runtimeObjects ?? ownRuntime());
  const session = await openSession({
    engine: options.engine ?? 'ts',
    syscalls: false,
    faultsAsSignals: false,
    threads:
      firstConcurrent?.kind === 'concurrent'
        ? { seed: firstConcurrent.sched, ...SCHED, onSwitch: () => onSwitch?.() }
        : false,
    stdout: () => {},
    stderr: (b) => {
      stderrText += dec.decode(b);
    },
    reportError: () => {},
    ...(runtimeObjects ? { runtimeObjects } : {}),
    ...(options.orcRuntime !== undefined && !mutant?.runtimeObjects
      ? {
          orcRuntime: options.orcRuntime,
          ...(options.orcRuntimeFallbackObjects
            ? { orcRuntimeFallbackObjects: options.orcRuntimeFallbackObjects }
            : {}),
        }
      : {}),
  });
  try {
    const runtime = session.local as ExecutorRuntime;
    const engine = runtime.engine;
    engine.memMap(STACK.base, STACK.size, PROT_READ | PROT_WRITE);
    const cov = options.coverage;
    // Host callbacks: x9 is the guest function to call back, x0–x7 its arguments.
    runtime.host.defineFunction(HOST_APPLY, function* (hc): HostGenerator {
      const target = hc.n(9);
      const args = Array.from({ length: 8 }, (_, k) => hc.x(k));
      const r = yield { call: target, args };
      return r.x0;
    });
    const applyDef = runtime.host.symbol(HOST_APPLY);
    if (applyDef)
      session.processJD.define(
        absoluteSymbols(
          new Map([
            [HOST_APPLY, { address: applyDef.address, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable }],
          ]),
          '<fuzz-lazy host callbacks>',
        ),
      );
    let harness: ReturnType<typeof harnessCode> | undefined;
    if (firstConcurrent) {
      harness = harnessCode();
      engine.memMap(HARNESS.code, HARNESS.size, PROT_READ | PROT_EXEC);
      engine.memMap(HARNESS.data, HARNESS.size, PROT_READ | PROT_WRITE);
      engine.memWrite(HARNESS.code, harness.bytes);
    }
    // Injected link failures: a pass that throws, for the next link of an armed object.
    const armed = new Set<string>();
    session.layer.addPlugin({
      modifyPassConfig(_mr, g, config) {
        if (!armed.delete(g.name)) return;
        config.prePrune.push(() => {
          throw new Error(faultCause(Number(g.name.slice(3, -2))));
        });
      },
    });
    mutant?.install?.(session);
    const objIndex = new Map(p.lazy.map((_l, o) => [objName(o), o]));
    const linkCount = p.lazy.map(() => 0);
    const reentries: string[] = [];
    let context = '';
    let routine: { start: number; end: number } | undefined;
    const hookRoutine = (): void => {
      if (!cov || routine) return;
      const def = session.platformJD.getSymbol('__orc_rt_sysv_resolve');
      if (!def || !def.address) return;
      // The routine's extent: up to the next runtime symbol (its size is not kept by the JITDylib).
      const start = def.address;
      routine = { start, end: start + 0x200 };
      engine.hookAdd(
        'code',
        (address) => {
          bump(cov.reentryPcs, `+0x${(address - start).toString(16).padStart(3, '0')}`);
        },
        { begin: start, end: start + 0x200 - 1 },
      );
    };
    session.observe({
      onObjectLinked: ({ name }) => {
        const o = objIndex.get(name);
        if (o !== undefined) linkCount[o] = (linkCount[o] ?? 0) + 1;
        const u = userLinks.get(name);
        if (u !== undefined) userLinks.set(name, u + 1);
        hookRoutine();
      },
      onLazyReexportsCreated: () => hookRoutine(),
      onReentryResolved: (r) => {
        reentries.push(r.info?.name ?? `?${r.trampoline.toString(16)}`);
      },
      onLazyReentry: (info) => {
        if (cov) {
          const i = Number(info.name.slice(1));
          const sig = p.fns[i]?.sig;
          if (sig) {
            const fps = sig.fps.join('');
            bump(
              cov.reentryStates,
              `x${sig.ints}${fps ? ` v${sig.fps.length}:${fps}` : ''}${sig.stack ? ` s${sig.stack}` : ''}${sig.sret ? ' x8' : ''}${context}`,
            );
          }
        }
        if (options.poison === false) return;
        for (let k = 2; k <= 17; k++) engine.setX(k, 0xdead_0000_0000_0000n | BigInt(k));
        for (let k = 0; k < 32; k++) {
          const q = engine.regRead(`q${k}`);
          const keepLow = k >= 8 && k <= 15 ? q & M64 : 0xbad0_0000_0000_0000n | BigInt(k);
          engine.regWrite(`q${k}`, (0xbad1_0000_0000_0000n << 64n) | keepLow);
        }
      },
    });
    const trackers: (ResourceTracker | undefined)[] = p.lazy.map(() => undefined);
    const add = (o: number): void => {
      const rt = session.main.createResourceTracker();
      trackers[o] = rt;
      const bytes = objectBytes(p, o);
      if (p.lazy[o]) session.lazyLayer.add(rt, bytes, objName(o));
      else session.layer.add(rt, bytes, objName(o));
    };
    p.lazy.forEach((_l, o) => {
      add(o);
    });
    // Users' objects: each under its own tracker, lazily or eagerly as the case says.
    const userLinks = new Map<string, number>();
    if (p.user) {
      const user = options.user;
      if (!user) throw new Error("the case calls users' functions: run it with --objects DIR");
      for (const uo of p.user.objects) {
        const bytes = user.objects.objects.find((x) => x.name === uo.name)?.bytes;
        if (!bytes) throw new Error(`--objects: the case needs ${uo.name}, which the directory lacks`);
        userLinks.set(uo.name, 0);
        const rt = session.main.createResourceTracker();
        if (uo.lazy) session.lazyLayer.add(rt, bytes, uo.name);
        else session.layer.add(rt, bytes, uo.name);
      }
    }
    const nameOf = (i: number): string => (i >= 0 ? fnName(i) : (p.user?.fns[-1 - i]?.name ?? `?user${i}`));
    const model = new Model(p, options.user?.reference.values.get);
    const budget = options.maxInstructions ?? 200_000;
    const sp = STACK.base + STACK.size - 256;

    /** Checks that `err` is the documented abort of a failed link of object `o`. */
    const expectFailure = (where: string, o: number, err: unknown, host: boolean): void => {
      const msg = err instanceof Error ? err.message : String(err);
      const cause = faultCause(o);
      if (host) {
        // A lookup from the JIT side (a redirect's target) rejects with the cause.
        if (!msg.includes(cause)) problems.push(`${where}: lookup failed with '${msg}', expected the cause '${cause}'`);
        return;
      }
      if (!/status 134/.test(msg)) problems.push(`${where}: ${msg.split('\n')[0]}; expected abort (status 134)`);
      else if (!/error resolving implementation for stub 0x[0-9a-f]+: /.test(stderrText) || !stderrText.includes(cause))
        problems.push(
          `${where}: aborted, but stderr '${stderrText.trim().slice(0, 160)}' lacks the root cause '${cause}'`,
        );
    };

    for (let s = 0; s < c.ops.length; s++) {
      const op = c.ops[s];
      if (!op) break;
      const where = `op #${s} (${describeOp(op)})`;
      if (cov) bump(cov.ops, op.kind);
      // Lazy objects are linked exactly when the reference says, eager ones at most once.
      p.lazy.forEach((lazy, o) => {
        const n = linkCount[o] ?? 0;
        if (n > 1) problems.push(`before ${where}: ${objName(o)} linked ${n} times in one tracker lifetime`);
        if (lazy && model.present[o] && n > 0 !== model.linked[o])
          problems.push(
            `before ${where}: ${objName(o)} (lazy) ${n > 0 ? 'linked before its first call' : 'not linked after its first call'}`,
          );
      });
      p.user?.objects.forEach((uo, k) => {
        const n = userLinks.get(uo.name) ?? 0;
        if (n > 1) problems.push(`before ${where}: user object ${uo.name} linked ${n} times`);
        if (uo.lazy && n > 0 !== model.userLinked[k])
          problems.push(
            `before ${where}: user object ${uo.name} (lazy) ${n > 0 ? 'linked before its first call' : 'not linked after its first call'}`,
          );
      });
      if (problems.length > 0) break;
      reentries.length = 0;
      stderrText = '';
      const patchable =
        op.kind === 'patch' && !(p.lazy[p.objectOf[op.fn] as number] && !model.linked[p.objectOf[op.fn] as number]);
      const pre = op.kind === 'concurrent' && op.to !== null ? model.clone() : undefined;
      // The model is synchronous: a user function's value it lacks is fetched from the reference
      // session, then the operation is applied again from the state before it.
      const before = p.user ? model.clone() : undefined;
      let exp: Expected;
      for (;;) {
        try {
          exp = applyOp(model, p, op);
          break;
        } catch (e) {
          if (!(e instanceof NeedUserValue) || !before || !options.user) throw e;
          await options.user.reference.value(e.callee, e.ints);
          model.assign(before);
        }
      }
      try {
        if (op.kind === 'call') {
          context = '';
          await hostCallOp(op.fn, op.seed, exp, where);
        } else if (op.kind === 'concurrent') {
          context = ' threads';
          await concurrentOp(op, exp, where, pre);
        } else if (op.kind === 'redirect') {
          await session.lookupOne(fnName(op.fn));
          const lazyTarget = p.lazy[p.objectOf[op.to] as number];
          let def: Awaited<ReturnType<typeof session.lookupOne>> | undefined;
          try {
            def = await session.lookupOne(lazyTarget ? bodyName(fnName(op.to)) : fnName(op.to));
          } catch (e) {
            if (exp.failure === undefined) throw e;
            if (cov) bump(cov.events, 'redirect target failed to link');
            expectFailure(where, exp.failure, e, true);
          }
          if (def && exp.failure !== undefined) problems.push(`${where}: the target linked despite the injected fault`);
          if (def) session.rsm.redirect(session.main, new Map([[fnName(op.fn), def]]));
        } else if (op.kind === 'remove') {
          // Removing the tracker clears a fault not yet consumed (the object links cleanly when re-added).
          armed.delete(objName(op.obj));
          (trackers[op.obj] as ResourceTracker).remove();
          trackers[op.obj] = undefined;
          linkCount[op.obj] = 0;
        } else if (op.kind === 'readd') {
          add(op.obj);
        } else if (op.kind === 'fail') {
          armed.add(objName(op.obj));
        } else if (op.kind === 'patch') {
          if (patchable) {
            const lazy = p.lazy[p.objectOf[op.fn] as number];
            const addr = (await session.lookupOne(lazy ? bodyName(fnName(op.fn)) : fnName(op.fn))).address;
            const [lo, hi] = constantWords(op.k);
            const b = new Uint8Array(8);
            const dv = new DataView(b.buffer);
            dv.setUint32(0, lo, true);
            dv.setUint32(4, hi, true);
            await session.writeMemory(addr + PATCH_OFFSET, b);
            if (cov) bump(cov.events, 'code patched');
          }
        }
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message.split('\n')[0]}`);
        break;
      }
      if (op.kind === 'fail') continue;
      const want = model.reentered.map(nameOf).sort();
      const got = [...reentries].sort();
      if (op.kind === 'concurrent') {
        // Several threads may each reach a trampoline before the first resolution redirects it.
        const distinct = [...new Set(got)];
        const counts = got.filter((x, i) => got.indexOf(x) !== i);
        if (distinct.join(', ') !== want.join(', '))
          problems.push(`${where}: reentries [${distinct.join(', ')}], the reference says [${want.join(', ')}]`);
        for (const name of new Set(counts))
          if (got.filter((x) => x === name).length > op.seeds.length)
            problems.push(`${where}: ${name} reentered more often than there are threads`);
      } else if (want.join(', ') !== got.join(', '))
        problems.push(`${where}: reentries [${got.join(', ')}], the reference says [${want.join(', ')}]`);
      if (problems.length > 0) break;
    }

    async function hostCallOp(fn: number, seed: number, exp: Expected, where: string): Promise<void> {
      const f = p.fns[fn] as FnDef;
      const hc = hostCall(f, seed);
      const addr = (await session.lookupOne(fnName(fn))).address;
      for (let k = 0; k < 32; k++) {
        const [lo, hi] = hc.q[k] as [bigint, bigint];
        engine.regWrite(`q${k}`, (hi << 64n) | lo);
      }
      hc.args.fps.forEach(([lo, hi], j) => {
        engine.regWrite(`q${j}`, (hi << 64n) | lo);
      });
      hc.args.ints.forEach((v, j) => {
        engine.setX(j, v);
      });
      for (let k = 0; k < 10; k++) engine.setX(19 + k, hc.callee[k] as bigint);
      engine.regWrite('fpcr', hc.fpcr);
      engine.setX(31, sp);
      if (f.sig.sret) {
        engine.memWrite(SRET_BUF, new Uint8Array(24));
        engine.setX(8, SRET_BUF);
      }
      if (hc.args.stack.length > 0) engine.memWrite(sp, u64s(hc.args.stack));
      runtime.host.instructionDeadline = engine.instructionCount() + budget;
      let got: { x0: bigint; callee: bigint[]; d: bigint[]; sp: bigint; fpcr: bigint } | undefined;
      try {
        await runtime.executor.call(addr, [], (e) => {
          got = {
            x0: e.getX(0),
            callee: Array.from({ length: 10 }, (_, k) => e.getX(19 + k)),
            d: Array.from({ length: 8 }, (_, k) => e.regRead(`q${8 + k}`) & M64),
            sp: e.getX(31),
            fpcr: e.regRead('fpcr'),
          };
        });
      } catch (e) {
        if (exp.failure === undefined) throw e;
        if (cov) bump(cov.events, 'call aborted by an injected link failure');
        expectFailure(where, exp.failure, e, false);
        return;
      } finally {
        runtime.host.instructionDeadline = undefined;
      }
      if (exp.failure !== undefined) {
        problems.push(`${where}: returned, but the reference says the link of ${objName(exp.failure)} fails`);
        return;
      }
      const r = got;
      if (!r) throw new Error('the call returned without a state');
      const value = f.sig.sret ? xorWords(engine.memRead(SRET_BUF, 24)) : r.x0;
      const want = exp.results[0]?.[0] as bigint;
      if (value !== want)
        problems.push(
          `${where}: ${f.sig.sret ? 'struct via x8' : 'x0'} ${hex(value)}, the eager reference says ${hex(want)}`,
        );
      r.callee.forEach((v, k) => {
        if (v !== hc.callee[k]) problems.push(`${where}: x${19 + k} not preserved (${hex(v)})`);
      });
      r.d.forEach((v, k) => {
        if (v !== (hc.q[8 + k] as [bigint, bigint])[0]) problems.push(`${where}: d${8 + k} not preserved (${hex(v)})`);
      });
      if (r.sp !== BigInt(sp)) problems.push(`${where}: sp ${hex(r.sp)} after the call, was ${hex(BigInt(sp))}`);
      if (r.fpcr !== hc.fpcr) problems.push(`${where}: FPCR ${hex(r.fpcr)} after the call, was ${hex(hc.fpcr)}`);
    }

    async function concurrentOp(
      op: Extract<Op, { kind: 'concurrent' }>,
      exp: Expected,
      where: string,
      pre: Model | undefined,
    ): Promise<void> {
      const h = harness as NonNullable<typeof harness>;
      const f = p.fns[op.fn] as FnDef;
      const target = (await session.lookupOne(fnName(op.fn))).address;
      const n = op.seeds.length;
      const table = new Uint8Array(T.blocks + n * BLOCK_SIZE);
      const tv = new DataView(table.buffer);
      const put64 = (off: number, v: bigint | number): void =>
        tv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true);
      put64(T.create, (await session.lookupOne('pthread_create')).address);
      put64(T.join, (await session.lookupOne('pthread_join')).address);
      put64(T.thunk, h.thunk);
      const calls = op.seeds.map((seed, i) => {
        const base = T.blocks + i * BLOCK_SIZE;
        const hc = hostCall(f, seed);
        put64(T.block + 8 * i, HARNESS.data + base);
        put64(base + B.target, target);
        for (const [j, v] of hc.args.ints.entries()) put64(base + B.x + 8 * j, v);
        put64(base + B.x8, f.sig.sret ? HARNESS.data + base + B.sret : 0);
        for (const [j, v] of hc.args.stack.entries()) put64(base + B.stack + 8 * j, v);
        for (let k = 0; k < 8; k++) {
          const [lo, hi] = (hc.args.fps[k] ?? hc.q[k]) as [bigint, bigint];
          put64(base + B.q + 16 * k, lo);
          put64(base + B.q + 16 * k + 8, hi);
        }
        for (let k = 0; k < 9; k++) put64(base + B.calleeIn + 8 * k, hc.callee[k + 1] as bigint);
        for (let k = 0; k < 8; k++) put64(base + B.dIn + 8 * k, (hc.q[8 + k] as [bigint, bigint])[0]);
        return hc;
      });
      engine.memWrite(HARNESS.data, table);
      // The racing redirect: issued by the JIT at the at-th context switch (or after the threads).
      let redirect: (() => void) | undefined;
      if (op.to !== null) {
        const lazyTarget = p.lazy[p.objectOf[op.to] as number];
        const def = await session.lookupOne(lazyTarget ? bodyName(fnName(op.to)) : fnName(op.to));
        redirect = () => {
          redirect = undefined;
          session.rsm.redirect(session.main, new Map([[fnName(op.fn), def]]));
        };
        let switches = 0;
        onSwitch = () => {
          if (switches++ === op.at) redirect?.();
        };
      }
      engine.setX(31, sp);
      runtime.host.instructionDeadline = engine.instructionCount() + budget * (n + 1);
      try {
        await runtime.executor.call(h.driver[n] as number, [HARNESS.data]);
      } finally {
        runtime.host.instructionDeadline = undefined;
        onSwitch = undefined;
      }
      if (cov && op.to !== null)
        bump(cov.events, redirect ? 'redirect after the threads' : 'redirect raced the threads');
      // Still pending: every thread finished before the redirect, so all of them saw the old binding.
      const raced = op.to !== null && redirect === undefined;
      redirect?.();
      if (cov)
        bump(
          cov.events,
          `threads: ${calls.length} calls, ${new Set(reentries).size ? 'first calls' : 'resolved alias'}`,
        );
      const out = new DataView(engine.memRead(HARNESS.data, table.length).buffer);
      const get64 = (off: number): bigint => out.getBigUint64(off, true);
      const sawOld: (boolean | undefined)[] = [];
      calls.forEach((hc, i) => {
        const base = T.blocks + i * BLOCK_SIZE;
        const w = `${where}, thread ${i + 1}`;
        const value = f.sig.sret
          ? (get64(base + B.sret) ^ get64(base + B.sret + 8) ^ get64(base + B.sret + 16)) & M64
          : get64(base + B.result);
        const allowed = raced ? (exp.results[i] ?? []) : (exp.results[i] ?? []).slice(0, 1);
        // undefined: both bindings give this result (the thread's side is told by the reentries).
        sawOld.push(allowed.length > 1 ? value === allowed[0] : undefined);
        if (!allowed.includes(value))
          problems.push(`${w}: result ${hex(value)}, the eager reference says ${allowed.map(hex).join(' or ')}`);
        for (let k = 0; k < 9; k++)
          if (get64(base + B.calleeOut + 8 * k) !== hc.callee[k + 1])
            problems.push(`${w}: x${20 + k} not preserved (${hex(get64(base + B.calleeOut + 8 * k))})`);
        for (let k = 0; k < 8; k++)
          if (get64(base + B.dOut + 8 * k) !== (hc.q[8 + k] as [bigint, bigint])[0])
            problems.push(`${w}: d${8 + k} not preserved`);
        if (get64(base + B.spIn) !== get64(base + B.spOut)) problems.push(`${w}: sp not preserved`);
      });
      if (pre && op.to !== null && problems.length === 0) {
        // Settle the reference on the interleaving the results show (before or after the redirect).
        const args = calls.map((hc) => hc.args);
        const seen = [...new Set(reentries)].sort().join(', ');
        // A thread whose result is the same under both bindings may have run on either side of the
        // redirect, independently of the others: some before it (reentering the alias's trampoline)
        // and some after it (reentering what the new body calls) is an interleaving too. Try every
        // split of those threads (at most 2^MAX_THREADS), all-old and all-new first; the one whose
        // reentries match is the interleaving that happened. A redirect after the threads allows
        // all-old only. None matching leaves all-new (all-old), whose reentries the check below reports.
        const ambiguous = sawOld.flatMap((s, i) => (s === undefined ? [i] : []));
        const settle = (oldMask: number): Model => {
          const m = pre.clone();
          const old = (i: number): boolean => sawOld[i] ?? ((oldMask >> ambiguous.indexOf(i)) & 1) === 1;
          m.settleRace(
            op.fn,
            op.to as number,
            args.filter((_a, i) => old(i)),
            args.filter((_a, i) => !old(i)),
          );
          return m;
        };
        const all = (1 << ambiguous.length) - 1;
        const splits = raced ? [all, 0, ...Array.from({ length: Math.max(all - 1, 0) }, (_x, k) => k + 1)] : [all];
        let settled: Model | undefined;
        for (const mask of splits) {
          const m = settle(mask);
          if (m.reentered.map(nameOf).sort().join(', ') === seen) {
            settled = m;
            break;
          }
        }
        model.assign(settled ?? settle(raced ? 0 : all));
      }
      if (op.to !== null) {
        // The alias must end at the redirect's body, whatever first-call resolution raced it.
        const ptr = session.rsm.pointerAddress(session.main, fnName(op.fn));
        const lazyTarget = p.lazy[p.objectOf[op.to] as number];
        const body = session.main.getSymbol(lazyTarget ? bodyName(fnName(op.to)) : fnName(op.to));
        if (ptr !== undefined && body) {
          const v = new DataView(engine.memRead(ptr, 8).buffer).getBigUint64(0, true);
          if (Number(v) !== body.address)
            problems.push(
              `${where}: after the threads, ${fnName(op.fn)}'s stub pointer holds ${hex(v)}, not the redirect's body 0x${body.address.toString(16)} (a first-call resolution overwrote the newer redirect)`,
            );
        }
      }
    }
  } finally {
    await session.close();
  }
  return problems;
}

function u64s(vs: bigint[]): Uint8Array {
  const b = new Uint8Array(8 * vs.length);
  const dv = new DataView(b.buffer);
  vs.forEach((v, j) => {
    dv.setBigUint64(8 * j, v, true);
  });
  return b;
}

function xorWords(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return dv.getBigUint64(0, true) ^ dv.getBigUint64(8, true) ^ dv.getBigUint64(16, true);
}

export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'call':
      return `call ${fnName(op.fn)} seed ${op.seed}`;
    case 'redirect':
      return `redirect ${fnName(op.fn)} -> body of ${fnName(op.to)}`;
    case 'remove':
      return `remove ${objName(op.obj)}`;
    case 'readd':
      return `re-add ${objName(op.obj)}`;
    case 'fail':
      return `fail next link of ${objName(op.obj)}`;
    case 'patch':
      return `patch ${fnName(op.fn)} constant 0x${op.k.toString(16)}`;
    case 'concurrent':
      return `${op.seeds.length} threads call ${fnName(op.fn)} (scheduler seed ${op.sched})${op.to === null ? '' : `, redirect to body of ${fnName(op.to)} at switch ${op.at}`}`;
  }
}
