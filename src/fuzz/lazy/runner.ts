/**
 * Runs one case through the one session (in process) and checks the properties on every operation:
 *  - results: x0 of every call equals the eager reference (semantics.ts);
 *  - ABI: x19–x28, d8–d15, sp and FPCR equal their values before the call, whatever reentries ran;
 *  - linking: a lazy object is linked exactly when the reference says (first call that reaches one
 *    of its bodies through a stub, or a redirect to one of its bodies), each object at most once per
 *    tracker lifetime, and a removed object links again on its next call after re-adding;
 *  - reentry: exactly the reexports whose stub pointer still holds the trampoline reenter, once each;
 *    after a redirect every caller (host, `bl` through the stub, pointers in data) reaches the new body.
 * While the JIT resolves a reentry the program is inside a call (the dispatch gate), so the runner
 * clobbers every caller-saved register there, as any ABI-conforming callee may: a runtime that does
 * not save/restore what it must is caught even though the host handler itself touches nothing.
 */
import { type EngineKind, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import type { ExecutorRuntime } from '../../executor/runtime.ts';
import type { ResourceTracker } from '../../orc/core/session.ts';
import { bodyName } from '../../orc/layers/lazy-object-linking-layer.ts';
import { openSession, type SessionOptions } from '../../orc/session/index.ts';
import { objectBytes } from './codegen.ts';
import type { Mutant } from './mutants.ts';
import { type FnDef, type FuzzCase, fnName, objName } from './program.ts';
import { hostCall, Model } from './semantics.ts';

/** Options of runLazyCase (exported as LazyCaseRunOptions). */
export interface RunOptions {
  engine?: EngineKind;
  mutant?: Mutant;
  /** Clobber caller-saved registers during reentry (default true). */
  poison?: boolean;
  /** Instruction budget of one call (default 200k: generated calls take a few thousand). */
  maxInstructions?: number;
  /** LLVM's ORC runtime archive instead of ours (`--orc-runtime`; docs/orc-runtime.md). */
  orcRuntime?: SessionOptions['orcRuntime'];
}

const STACK = { base: 0x6f00_0000, size: 0x1_0000 };
const M64 = (1n << 64n) - 1n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

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
  const session = await openSession({
    engine: options.engine ?? 'ts',
    syscalls: false,
    faultsAsSignals: false,
    threads: false,
    stdout: () => {},
    stderr: () => {},
    reportError: () => {},
    ...(mutant?.runtimeObjects ? { runtimeObjects: mutant.runtimeObjects() } : {}),
    ...(options.orcRuntime !== undefined ? { orcRuntime: options.orcRuntime } : {}),
  });
  try {
    const runtime = session.local as ExecutorRuntime;
    const engine = runtime.engine;
    engine.memMap(STACK.base, STACK.size, PROT_READ | PROT_WRITE);
    mutant?.install?.(session);
    const objIndex = new Map(p.lazy.map((_l, o) => [objName(o), o]));
    const linkCount = p.lazy.map(() => 0);
    const reentries: string[] = [];
    session.observe({
      onObjectLinked: ({ name }) => {
        const o = objIndex.get(name);
        if (o !== undefined) linkCount[o] = (linkCount[o] ?? 0) + 1;
      },
      onReentryResolved: (r) => {
        reentries.push(r.info?.name ?? `?${r.trampoline.toString(16)}`);
      },
      onLazyReentry: () => {
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
    const model = new Model(p);
    const budget = options.maxInstructions ?? 200_000;
    for (let s = 0; s < c.ops.length; s++) {
      const op = c.ops[s];
      if (!op) break;
      const where = `op #${s} (${describeOp(op)})`;
      // Lazy objects are linked exactly when the reference says, eager ones at most once.
      p.lazy.forEach((lazy, o) => {
        const n = linkCount[o] ?? 0;
        if (n > 1) problems.push(`before ${where}: ${objName(o)} linked ${n} times in one tracker lifetime`);
        if (lazy && model.present[o] && n > 0 !== model.linked[o])
          problems.push(
            `before ${where}: ${objName(o)} (lazy) ${n > 0 ? 'linked before its first call' : 'not linked after its first call'}`,
          );
      });
      if (problems.length > 0) break;
      reentries.length = 0;
      try {
        if (op.kind === 'call') {
          const f = p.fns[op.fn] as FnDef;
          const hc = hostCall(f, op.seed);
          const want = model.hostCall(op.fn, hc.args);
          const addr = (await session.lookupOne(fnName(op.fn))).address;
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
          const sp = STACK.base + STACK.size - 256;
          engine.setX(31, sp);
          if (hc.args.stack.length > 0) {
            const b = new Uint8Array(8 * hc.args.stack.length);
            const dv = new DataView(b.buffer);
            hc.args.stack.forEach((v, j) => {
              dv.setBigUint64(8 * j, v, true);
            });
            engine.memWrite(sp, b);
          }
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
          } finally {
            runtime.host.instructionDeadline = undefined;
          }
          const r = got;
          if (!r) throw new Error('the call returned without a state');
          if (r.x0 !== want) problems.push(`${where}: x0 ${hex(r.x0)}, the eager reference says ${hex(want)}`);
          r.callee.forEach((v, k) => {
            if (v !== hc.callee[k]) problems.push(`${where}: x${19 + k} not preserved (${hex(v)})`);
          });
          r.d.forEach((v, k) => {
            if (v !== (hc.q[8 + k] as [bigint, bigint])[0])
              problems.push(`${where}: d${8 + k} not preserved (${hex(v)})`);
          });
          if (r.sp !== BigInt(sp)) problems.push(`${where}: sp ${hex(r.sp)} after the call, was ${hex(BigInt(sp))}`);
          if (r.fpcr !== hc.fpcr) problems.push(`${where}: FPCR ${hex(r.fpcr)} after the call, was ${hex(hc.fpcr)}`);
        } else if (op.kind === 'redirect') {
          model.redirect(op.fn, op.to);
          await session.lookupOne(fnName(op.fn));
          const lazyTarget = p.lazy[p.objectOf[op.to] as number];
          const def = await session.lookupOne(lazyTarget ? bodyName(fnName(op.to)) : fnName(op.to));
          session.rsm.redirect(session.main, new Map([[fnName(op.fn), def]]));
        } else if (op.kind === 'remove') {
          model.remove(op.obj);
          (trackers[op.obj] as ResourceTracker).remove();
          trackers[op.obj] = undefined;
          linkCount[op.obj] = 0;
        } else {
          model.readd(op.obj);
          add(op.obj);
        }
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message.split('\n')[0]}`);
        break;
      }
      const want = model.reentered.map(fnName).sort().join(', ');
      const got = [...reentries].sort().join(', ');
      if (want !== got) problems.push(`${where}: reentries [${got}], the reference says [${want}]`);
      if (problems.length > 0) break;
    }
  } finally {
    await session.close();
  }
  return problems;
}

export function describeOp(op: FuzzCase['ops'][number]): string {
  switch (op.kind) {
    case 'call':
      return `call ${fnName(op.fn)} seed ${op.seed}`;
    case 'redirect':
      return `redirect ${fnName(op.fn)} -> body of ${fnName(op.to)}`;
    case 'remove':
      return `remove ${objName(op.obj)}`;
    case 'readd':
      return `re-add ${objName(op.obj)}`;
  }
}
