/**
 * Second tier of the ts engine: a hot block becomes one JavaScript function. Instructions with
 * a snippet (jit/snippets.ts) are inlined as source; any other instruction calls its decoded
 * op, so every block can be compiled and semantics stay those of the table. A block whose
 * branch returns to its own start loops inside the function while the instruction budget
 * allows, which removes the dispatch loop from tight loops altogether.
 *
 * Exact state on exceptions: before each instruction that may throw, the function stores its
 * index in `s.k`, and `s.jn` holds the instructions retired by earlier loop trips; the engine
 * rebuilds pc and the instruction count from them.
 */
import type { Decoded } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import { helpers, SNIPPETS, type SnippetHelpers } from './snippets.ts';

/** Runs the block at most `budget` instructions' worth of loop trips; returns instructions retired. */
export type CompiledBlock = (s: CpuState, ops: Op[], budget: number) => number;

type Factory = (h: SnippetHelpers) => CompiledBlock;

export interface CompileInput {
  address: number;
  decoded: Decoded[];
  /** True when the last instruction does not set pc. */
  fallthrough: boolean;
}

export function blockSource(input: CompileInput): string {
  const { address, decoded, fallthrough } = input;
  const len = decoded.length;
  const body: string[] = [];
  decoded.forEach((d, k) => {
    const a = address + 4 * k;
    const gen = SNIPPETS[d.def.id];
    const snippet = gen?.(d.fields, a);
    if (snippet === undefined) {
      body.push(`s.k=${k};o[${k}](s);`);
    } else {
      if (snippet.mayThrow) body.push(`s.k=${k};`);
      body.push(snippet.code);
    }
  });
  if (fallthrough) body.push(`s.pc=${address + 4 * len};`);
  return [
    'return function block(s,o,budget){',
    'const xl=s.xlo,xh=s.xhi,mem=s.mem;',
    'let n=0;',
    'do{',
    's.jn=n;',
    ...body,
    `n+=${len};`,
    `}while(s.pc===${address}&&s.excKind===0&&n+${len}<=budget);`,
    'return n;',
    '};',
  ].join('\n');
}

export function compileBlock(input: CompileInput): CompiledBlock {
  const src = blockSource(input);
  const factory = new Function('h', src) as Factory;
  return factory(helpers);
}
