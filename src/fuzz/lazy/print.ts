/**
 * C-like pseudo-source of a case: one block per object (lazy or eager), one function per body with
 * its signature and its calls (direct, tail, through a pointer in data), then the schedule with the
 * results the eager reference expects.
 */
import { calleeOf, type FnDef, type FuzzCase, fnName, objName } from './program.ts';
import { hostCall, Model } from './semantics.ts';

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function signature(f: FnDef, i: number): string {
  const params = [
    ...Array.from({ length: f.sig.ints }, (_, j) => `u64 a${j}`),
    ...f.sig.fps.map((k, j) => (k === 'd' ? `double v${j}` : `v128 v${j}`)),
    ...Array.from({ length: f.sig.stack }, (_, j) => `u64 s${j} /*stack*/`),
  ];
  return `u64 ${fnName(i)}(${params.join(', ')})`;
}

export function printCase(c: FuzzCase): string {
  const p = c.program;
  const n = p.fns.length;
  const out: string[] = [];
  p.lazy.forEach((lazy, o) => {
    out.push(`// ${objName(o)} (${lazy ? 'lazy' : 'eager'})`);
    p.fns.forEach((f, i) => {
      if (p.objectOf[i] !== o) return;
      out.push(`${signature(f, i)} {`);
      const ins = [
        ...Array.from({ length: f.sig.ints }, (_, j) => `a${j}`),
        ...f.sig.fps.map((k, j) => (k === 'q' ? `v${j}.lo, v${j}.hi` : `v${j}`)),
        ...Array.from({ length: f.sig.stack }, (_, j) => `s${j}`),
      ];
      out.push(`  u64 acc = mix(${hex(f.k)}${ins.length ? `, ${ins.join(', ')}` : ''}); double keep = acc; // d8`);
      f.calls.forEach((call, site) => {
        const cal = calleeOf(i, call.d, n) as number;
        const how =
          call.via === 'direct' ? `${fnName(cal)}` : `(*ptr_${fnName(i)}_${site} /* .data = &${fnName(cal)} */)`;
        out.push(`  acc = step(acc, ${how}(args(acc, ${site})), keep);`);
      });
      if (f.tail !== null) {
        const cal = calleeOf(i, f.tail, n) as number;
        out.push(`  return ${fnName(cal)}(args(acc, ${f.calls.length})); // tail call: b`);
      } else out.push('  return acc;');
      out.push('}');
    });
  });
  out.push('', '// schedule (expected values from the eager reference)');
  const m = new Model(p);
  for (const op of c.ops) {
    if (op.kind === 'call') {
      const f = p.fns[op.fn] as FnDef;
      const hc = hostCall(f, op.seed);
      const r = m.hostCall(op.fn, hc.args);
      const args = [
        ...hc.args.ints.map(hex),
        ...hc.args.fps.map(([lo, hi], j) => (f.sig.fps[j] === 'q' ? `{${hex(lo)}, ${hex(hi)}}` : hex(lo))),
        ...hc.args.stack.map(hex),
      ];
      out.push(`${fnName(op.fn)}(${args.join(', ')}) == ${hex(r)};   // seed ${op.seed}`);
    } else if (op.kind === 'redirect') {
      m.redirect(op.fn, op.to);
      out.push(`redirect(${fnName(op.fn)}, body_of(${fnName(op.to)}));`);
    } else if (op.kind === 'remove') {
      m.remove(op.obj);
      out.push(`remove(tracker_of(${objName(op.obj)}));`);
    } else {
      m.readd(op.obj);
      out.push(`add(${objName(op.obj)});   // re-added under a new tracker`);
    }
  }
  return `${out.join('\n')}\n`;
}
