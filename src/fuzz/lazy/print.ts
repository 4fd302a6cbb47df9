/**
 * C-like pseudo-source of a case: one block per object (lazy or eager), one function per body with
 * its signature (source-level parameters: structs, HFAs, a variadic tail, a struct returned through
 * x8) and its calls (direct, tail, through a pointer in data, through a host callback), then the
 * schedule with the results the eager reference expects.
 */
import { calleeOf, type FnDef, type FuzzCase, fnName, objName, type Param } from './program.ts';
import { applyOp, type Expected, faultCause, hostCall, Model, NeedUserValue } from './semantics.ts';

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

const PARAM_TYPE: Record<Param, string> = {
  i: 'u64',
  d: 'double',
  q: 'v128',
  s: 'struct pair /* {u64, u64} */',
  h2: 'struct hfa2 /* {double x2} */',
  h3: 'struct hfa3 /* {double x3} */',
  h4: 'struct hfa4 /* {double x4} */',
};

function signature(f: FnDef, i: number): string {
  const ret = f.sig.sret ? 'struct big /* 24 bytes, via x8 */' : 'u64';
  let params: string[];
  if (f.sig.params) {
    const named = f.sig.params.length - (f.sig.variadic ?? 0);
    params = f.sig.params.slice(0, named).map((t, j) => `${PARAM_TYPE[t]} p${j}`);
    if ((f.sig.variadic ?? 0) > 0)
      params.push(
        `... /* ${f.sig.params
          .slice(named)
          .map((t) => PARAM_TYPE[t].split(' /*')[0])
          .join(', ')} */`,
      );
  } else
    params = [
      ...Array.from({ length: f.sig.ints }, (_, j) => `u64 a${j}`),
      ...f.sig.fps.map((k, j) => (k === 'd' ? `double v${j}` : `v128 v${j}`)),
      ...Array.from({ length: f.sig.stack }, (_, j) => `u64 s${j}`),
    ];
  const lowered = `${`/* x0-x${f.sig.ints - 1}`.replace('x0-x-1', 'no x')}, ${f.sig.fps.length} v, ${f.sig.stack} stack slots */`;
  return `${ret} ${fnName(i)}(${params.join(', ')}) ${lowered}`;
}

export function printCase(c: FuzzCase, userValue?: (name: string, ints: bigint[]) => bigint): string {
  const p = c.program;
  const n = p.fns.length;
  const out: string[] = [];
  for (const uo of p.user?.objects ?? [])
    out.push(
      `// ${uo.name} (user object, ${uo.lazy ? 'lazy' : 'eager'}): ${(p.user?.fns ?? [])
        .filter((f) => p.user?.objects[f.obj] === uo)
        .map((f) => `u64 ${f.name}(${Array.from({ length: f.ints }, () => 'u64').join(', ')})`)
        .join('; ')}`,
    );
  p.lazy.forEach((lazy, o) => {
    out.push(`// ${objName(o)} (${lazy ? 'lazy' : 'eager'})`);
    p.fns.forEach((f, i) => {
      if (p.objectOf[i] !== o) return;
      out.push(`${signature(f, i)} {`);
      out.push(`  u64 acc = mix(${hex(f.k)}, args); double keep = acc; // d8`);
      f.calls.forEach((call, site) => {
        const user = call.u === undefined ? undefined : p.user?.fns[call.u];
        const name = user
          ? `${user.name} /* user ${p.user?.objects[user.obj]?.name} */`
          : fnName(calleeOf(i, call.d, n) as number);
        const how =
          call.via === 'direct'
            ? name
            : call.via === 'pointer'
              ? `(*ptr_${fnName(i)}_${site} /* .data = &${name} */)`
              : `host_apply(&${name}, /* host calls back */`;
        out.push(`  acc = step(acc, ${how}(args(acc, ${site})), keep);`);
      });
      if (f.tail !== null) {
        const cal = calleeOf(i, f.tail, n) as number;
        out.push(`  return ${fnName(cal)}(args(acc, ${f.calls.length})); // tail call: b`);
      } else out.push(f.sig.sret ? '  return (struct big){acc, ror(acc, 13), ~acc};' : '  return acc;');
      out.push('}');
    });
  });
  out.push('', '// schedule (expected values from the eager reference)');
  const m = new Model(p, userValue);
  for (const op of c.ops) {
    let exp: Expected;
    try {
      exp = applyOp(m, p, op);
    } catch (e) {
      // A user function's value the reference session was not asked for: print the operation only.
      if (!(e instanceof NeedUserValue)) throw e;
      exp = { results: [] };
    }
    const fails = exp.failure === undefined ? '' : `   // aborts (134): ${faultCause(exp.failure)}`;
    if (op.kind === 'call') {
      const f = p.fns[op.fn] as FnDef;
      const hc = hostCall(f, op.seed);
      const args = [
        ...hc.args.ints.map(hex),
        ...hc.args.fps.map(([lo, hi], j) => (f.sig.fps[j] === 'q' ? `{${hex(lo)}, ${hex(hi)}}` : hex(lo))),
        ...hc.args.stack.map(hex),
      ];
      const r = exp.results[0]?.[0];
      out.push(
        `${fnName(op.fn)}(${args.join(', ')})${r === undefined ? ';' : ` == ${hex(r)};`}   // seed ${op.seed}${fails}`,
      );
    } else if (op.kind === 'redirect') out.push(`redirect(${fnName(op.fn)}, body_of(${fnName(op.to)}));${fails}`);
    else if (op.kind === 'remove') out.push(`remove(tracker_of(${objName(op.obj)}));`);
    else if (op.kind === 'readd') out.push(`add(${objName(op.obj)});   // re-added under a new tracker`);
    else if (op.kind === 'fail') out.push(`inject_link_failure(${objName(op.obj)});   // the next link fails`);
    else if (op.kind === 'patch') out.push(`patch_constant(body_of(${fnName(op.fn)}), ${hex(op.k)});`);
    else {
      const rs = exp.results.map((r) => r.map(hex).join(' or ')).join(', ');
      out.push(
        `threads(${op.seeds.length}, sched_seed ${op.sched}) { ${fnName(op.fn)}(seeds ${op.seeds.join(', ')}) } == {${rs}};${op.to === null ? '' : `   // JIT: redirect(${fnName(op.fn)}, body_of(${fnName(op.to)})) at switch ${op.at}`}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
