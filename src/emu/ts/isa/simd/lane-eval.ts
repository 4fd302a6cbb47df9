/**
 * Lane expressions (lane-expr.ts) without `new Function`, for hosts that forbid it (a content
 * security policy without 'unsafe-eval'): the expression is parsed once into a tree of closures.
 * Slower than the generated ops, the same results. The grammar is the expressions' own: numbers,
 * `a` `b` `d` `Z` `true` `false`, unary `-` `~`, the binary operators `* / + - << >> >>> < <= > >=
 * === !== & ^ |` with JavaScript's precedence, `?:`, parentheses and calls of `Math.abs`,
 * `Math.floor`, `Math.imul`, `Math.clz32` and the helpers passed in.
 */

export type Lanes = { a: number; b: number; d: number };
type Node = (l: Lanes) => number;
export type Helper = (...args: number[]) => number;

const BINARY: Record<string, [power: number, apply: (x: number, y: number) => number]> = {
  '|': [4, (x, y) => x | y],
  '^': [5, (x, y) => x ^ y],
  '&': [6, (x, y) => x & y],
  '===': [7, (x, y) => (x === y ? 1 : 0)],
  '!==': [7, (x, y) => (x !== y ? 1 : 0)],
  '<': [8, (x, y) => (x < y ? 1 : 0)],
  '<=': [8, (x, y) => (x <= y ? 1 : 0)],
  '>': [8, (x, y) => (x > y ? 1 : 0)],
  '>=': [8, (x, y) => (x >= y ? 1 : 0)],
  '<<': [9, (x, y) => x << y],
  '>>': [9, (x, y) => x >> y],
  '>>>': [9, (x, y) => x >>> y],
  '+': [10, (x, y) => x + y],
  '-': [10, (x, y) => x - y],
  '*': [11, (x, y) => x * y],
  '/': [11, (x, y) => x / y],
};

const MATH: Record<string, Helper> = {
  'Math.abs': Math.abs,
  'Math.floor': Math.floor,
  'Math.imul': Math.imul,
  'Math.clz32': Math.clz32,
};

const TOKEN =
  /\s*(>>>|===|!==|<<|>>|<=|>=|[-+*/&|^~<>?:(),]|[0-9]+|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)/y;

function tokenize(e: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < e.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(e);
    if (m === null) {
      if (e.slice(at).trim() === '') break;
      throw new Error(`lane expression '${e}': unexpected text at ${at}`);
    }
    out.push(m[1] as string);
  }
  return out;
}

/**
 * The expression `e` as a function of its lanes, for element size `z`. Booleans of comparisons
 * are 1 and 0 (they only ever choose a branch of `?:` or are combined as numbers the same way).
 */
export function evalLaneExpr(e: string, z: number, helpers: Record<string, Helper>): Node {
  const t = tokenize(e);
  let i = 0;
  const peek = (): string | undefined => t[i];
  const take = (want?: string): string => {
    const tok = t[i++];
    if (tok === undefined || (want !== undefined && tok !== want))
      throw new Error(`lane expression '${e}': expected ${want ?? 'more'} at token ${i - 1}`);
    return tok;
  };
  const primary = (): Node => {
    const tok = take();
    if (tok === '(') {
      const inner = ternary();
      take(')');
      return inner;
    }
    if (tok === '-' || tok === '~') return unary(tok);
    if (/^[0-9]+$/.test(tok)) {
      const v = Number(tok);
      return () => v;
    }
    if (tok === 'a') return (l) => l.a;
    if (tok === 'b') return (l) => l.b;
    if (tok === 'd') return (l) => l.d;
    if (tok === 'Z') return () => z;
    if (tok === 'true') return () => 1;
    if (tok === 'false') return () => 0;
    const f = MATH[tok] ?? helpers[tok];
    if (f === undefined) throw new Error(`lane expression '${e}': unknown name ${tok}`);
    take('(');
    const args: Node[] = [];
    if (peek() !== ')') {
      args.push(ternary());
      while (peek() === ',') {
        take(',');
        args.push(ternary());
      }
    }
    take(')');
    // true and false are 1 and 0: the helpers only test them.
    return (l) => f(...args.map((n) => n(l)));
  };
  const unary = (op: string): Node => {
    const operand = operandOf(12);
    return op === '-' ? (l) => -operand(l) : (l) => ~operand(l);
  };
  // Operands bind tighter than `power` (left-associative binary operators).
  const operandOf = (power: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const entry = op === undefined ? undefined : BINARY[op];
      if (entry === undefined || entry[0] <= power) return left;
      take();
      const right = operandOf(entry[0]);
      const l0 = left;
      const apply = entry[1];
      left = (l) => apply(l0(l), right(l));
    }
  };
  const ternary = (): Node => {
    const cond = operandOf(0);
    if (peek() !== '?') return cond;
    take('?');
    const yes = ternary();
    take(':');
    const no = ternary();
    return (l) => (cond(l) !== 0 ? yes(l) : no(l));
  };
  const root = ternary();
  if (i !== t.length) throw new Error(`lane expression '${e}': unexpected ${t[i]}`);
  return root;
}
