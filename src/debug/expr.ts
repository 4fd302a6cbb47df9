/**
 * The expressions of `print`, `x`, `break *…`, `watch`, `display`: a small C subset evaluated as
 * gdb evaluates it on a program without debug information. Registers have gdb's types ($x0 long,
 * $w0 int, $sp/$fp `void *`, $pc `void (*)()`), integer literals are int unless they need 64 bits,
 * arithmetic follows C's usual conversions (int wraps at 32 bits), casts and `*` read memory, and
 * a symbol is a `<text variable, no debug info>` or a `<data variable, no debug info>` that must be
 * cast before use. `$`, `$N`, `$$`, `$$N` are the value history.
 */

export type IntType = 'char' | 'uchar' | 'short' | 'ushort' | 'int' | 'uint' | 'long' | 'ulong';

export type CType =
  | { k: 'int'; t: IntType }
  | { k: 'void' }
  | { k: 'func' }
  /** A symbol with no debug information: code (`<text variable…>`) or data (`<data variable…>`). */
  | { k: 'text' }
  | { k: 'data' }
  | { k: 'ptr'; to: CType };

export type Value = { type: CType; v: bigint } | { type: { k: 'novalue' } };

export const VOID_VALUE: Value = { type: { k: 'novalue' } };

export class ExprError extends Error {
  override name = 'ExprError';
}

/** What an expression can see: registers of the stopped thread, symbols, memory, the history. */
export interface EvalContext {
  /** A register by gdb name without `$` (x0, w3, sp, pc, fp, lr, cpsr…); undefined when unknown. */
  register(name: string): Value | undefined;
  /** A symbol's address and whether it is code. Undefined when no such symbol exists. */
  symbol(name: string): { address: number; code: boolean } | undefined;
  readMemory(address: number, size: number): Promise<Uint8Array>;
  /** The value history, oldest first ($1 is history[0]). */
  history: readonly Value[];
}

const INT_INFO: Record<IntType, { bits: number; signed: boolean; rank: number; name: string }> = {
  char: { bits: 8, signed: true, rank: 1, name: 'char' },
  uchar: { bits: 8, signed: false, rank: 1, name: 'unsigned char' },
  short: { bits: 16, signed: true, rank: 2, name: 'short' },
  ushort: { bits: 16, signed: false, rank: 2, name: 'unsigned short' },
  int: { bits: 32, signed: true, rank: 3, name: 'int' },
  uint: { bits: 32, signed: false, rank: 3, name: 'unsigned int' },
  long: { bits: 64, signed: true, rank: 4, name: 'long' },
  ulong: { bits: 64, signed: false, rank: 4, name: 'unsigned long' },
};

export const intType = (t: IntType): CType => ({ k: 'int', t });
export const LONG = intType('long');
export const INT = intType('int');
export const VOID_PTR: CType = { k: 'ptr', to: { k: 'void' } };
export const CODE_PTR: CType = { k: 'ptr', to: { k: 'func' } };

export function normalize(t: IntType, v: bigint): bigint {
  const i = INT_INFO[t];
  return i.signed ? BigInt.asIntN(i.bits, v) : BigInt.asUintN(i.bits, v);
}

export function intValue(t: IntType, v: bigint): Value {
  return { type: intType(t), v: normalize(t, v) };
}

export function sizeOf(t: CType): number {
  switch (t.k) {
    case 'int':
      return INT_INFO[t.t].bits / 8;
    case 'ptr':
      return 8;
    case 'void':
    case 'func':
    case 'text':
    case 'data':
      return 1;
  }
}

export function typeName(t: CType): string {
  switch (t.k) {
    case 'int':
      return INT_INFO[t.t].name;
    case 'void':
      return 'void';
    case 'func':
      return 'void ()';
    case 'text':
      return '<text variable, no debug info>';
    case 'data':
      return '<data variable, no debug info>';
    case 'ptr':
      if (t.to.k === 'func') return 'void (*)()';
      return `${typeName(t.to)} *`.replace('* *', '**');
  }
}

// ---- lexer ---------------------------------------------------------------------------------------

type Tok =
  | { k: 'num'; v: bigint; text: string }
  | { k: 'id'; v: string }
  | { k: 'reg'; v: string }
  | { k: 'op'; v: string }
  | { k: 'str'; v: string }
  | { k: 'end' };

const OPS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '&',
  '|',
  '^',
  '~',
  '!',
  '<',
  '>',
];

function lex(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const num = /^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)([ul]*)(?![\w$])/i.exec(rest);
    if (num) {
      const body = num[1] as string;
      const v = body.length > 1 && body[0] === '0' && !/^0x/i.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
      toks.push({ k: 'num', v, text: num[0] });
      i += num[0].length;
      continue;
    }
    const reg = /^\$[\w$]*/.exec(rest);
    if (reg) {
      toks.push({ k: 'reg', v: reg[0].slice(1) });
      i += reg[0].length;
      continue;
    }
    const id = /^[A-Za-z_.][\w.$@]*/.exec(rest);
    if (id) {
      toks.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === "'" && /^'(\\.|[^\\'])'/.test(rest)) {
      const m = /^'(\\.|[^\\'])'/.exec(rest) as RegExpExecArray;
      const ch = m[1] as string;
      const esc: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 };
      const code = ch.length === 2 ? (esc[ch[1] as string] ?? ch.charCodeAt(1)) : ch.charCodeAt(0);
      toks.push({ k: 'num', v: BigInt(code), text: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      toks.push({ k: 'op', v: op });
      i += op.length;
      continue;
    }
    throw new ExprError(`Invalid character '${c}' in expression.`);
  }
  toks.push({ k: 'end' });
  return toks;
}

// ---- parser --------------------------------------------------------------------------------------

export type Expr =
  | { k: 'num'; v: bigint; type: IntType }
  | { k: 'reg'; name: string }
  | { k: 'sym'; name: string }
  | { k: 'unary'; op: string; e: Expr }
  | { k: 'cast'; type: CType; e: Expr }
  | { k: 'sizeof'; type: CType }
  | { k: 'bin'; op: string; a: Expr; b: Expr };

const BIN_PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const TYPE_WORDS = new Set(['char', 'short', 'int', 'long', 'unsigned', 'signed', 'void']);
const TYPEDEFS: Record<string, IntType> = {
  int8_t: 'char',
  uint8_t: 'uchar',
  int16_t: 'short',
  uint16_t: 'ushort',
  int32_t: 'int',
  uint32_t: 'uint',
  int64_t: 'long',
  uint64_t: 'ulong',
  size_t: 'ulong',
  ssize_t: 'long',
  intptr_t: 'long',
  uintptr_t: 'ulong',
};

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)] as Tok;
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ExprError(`A syntax error in expression, near '${this.restText()}'.`);
    this.i++;
  }
  private restText(): string {
    return this.toks
      .slice(this.i)
      .filter((t) => t.k !== 'end')
      .map((t) => (t.k === 'num' ? t.text : t.k === 'reg' ? `$${t.v}` : String(t.v)))
      .join(' ');
  }

  parse(): Expr {
    const e = this.binary(1);
    if (this.peek().k !== 'end') throw new ExprError(`A syntax error in expression, near '${this.restText()}'.`);
    return e;
  }

  private binary(min: number): Expr {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op') return a;
      const p = BIN_PREC[t.v];
      if (p === undefined || p < min) return a;
      this.i++;
      const b = this.binary(p + 1);
      a = { k: 'bin', op: t.v, a, b };
    }
  }

  private startsType(o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'id' && (TYPE_WORDS.has(t.v) || t.v in TYPEDEFS);
  }

  /** A type name: integer words or a typedef, then `*`s. */
  private typeName(): CType {
    const words: string[] = [];
    while (this.peek().k === 'id' && (TYPE_WORDS.has((this.peek() as { v: string }).v) || words.length === 0)) {
      const w = (this.peek() as { v: string }).v;
      if (!TYPE_WORDS.has(w) && !(w in TYPEDEFS)) break;
      words.push(w);
      this.i++;
      if (w in TYPEDEFS) break;
    }
    let t: CType;
    const td = words.length === 1 ? TYPEDEFS[words[0] as string] : undefined;
    if (td) t = intType(td);
    else if (words.length === 1 && words[0] === 'void') t = { k: 'void' };
    else {
      const unsigned = words.includes('unsigned');
      const base = words.filter((w) => w !== 'unsigned' && w !== 'signed' && w !== 'int');
      let it: IntType;
      if (base.length === 0) it = 'int';
      else if (base[0] === 'char' && base.length === 1) it = 'char';
      else if (base[0] === 'short' && base.length === 1) it = 'short';
      else if (base.every((w) => w === 'long') && base.length <= 2) it = 'long';
      else throw new ExprError(`A syntax error in expression, near '${words.join(' ')}'.`);
      t = intType(unsigned ? (`u${it}` as IntType) : it);
    }
    while (this.isOp('*')) {
      this.i++;
      t = { k: 'ptr', to: t };
    }
    return t;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.k === 'op' && ['-', '+', '!', '~', '*', '&'].includes(t.v)) {
      this.i++;
      return { k: 'unary', op: t.v, e: this.unary() };
    }
    if (t.k === 'id' && t.v === 'sizeof') {
      this.i++;
      if (this.isOp('(') && this.startsType(1)) {
        this.i++;
        const ty = this.typeName();
        this.expectOp(')');
        return { k: 'sizeof', type: ty };
      }
      throw new ExprError('sizeof: give a type, as in sizeof(long)');
    }
    if (t.k === 'op' && t.v === '(' && this.startsType(1)) {
      this.i++;
      const ty = this.typeName();
      this.expectOp(')');
      return { k: 'cast', type: ty, e: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    this.i++;
    switch (t.k) {
      case 'num': {
        const suffix = t.text.replace(/^(0x[0-9a-f]+|\d+)/i, '').toLowerCase();
        const hexOrOct = /^0/.test(t.text) && t.text !== '0';
        const u = suffix.includes('u');
        const l = suffix.includes('l');
        let type: IntType;
        if (!l && !u && t.v <= 0x7fffffffn) type = 'int';
        else if (!l && (u || hexOrOct) && t.v <= 0xffffffffn) type = 'uint';
        else if (!u && t.v <= 0x7fffffffffffffffn) type = 'long';
        else type = 'ulong';
        if (t.v > 0xffffffffffffffffn) throw new ExprError('Numeric constant too large.');
        return { k: 'num', v: t.v, type };
      }
      case 'reg':
        return { k: 'reg', name: t.v };
      case 'id':
        return { k: 'sym', name: t.v };
      case 'op':
        if (t.v === '(') {
          const e = this.binary(1);
          this.expectOp(')');
          return e;
        }
        break;
      case 'str':
      case 'end':
        break;
    }
    this.i--;
    throw new ExprError(
      t.k === 'end'
        ? "A syntax error in expression, near `'."
        : `A syntax error in expression, near '${this.restText()}'.`,
    );
  }
}

/** Evaluates for `print`: a bare data symbol has no type to print (gdb asks for a cast). */
export async function evaluateForPrint(e: Expr, ctx: EvalContext): Promise<Value> {
  const v = await evaluate(e, ctx);
  if (e.k === 'sym' && v.type.k === 'data') throw dataSymbolError(e.name);
  return v;
}

export function parseExpr(text: string): Expr {
  if (text.trim() === '') throw new ExprError('Argument required (expression to compute).');
  return new Parser(lex(text)).parse();
}

// ---- evaluation ----------------------------------------------------------------------------------

const isInt = (v: Value): v is { type: { k: 'int'; t: IntType }; v: bigint } => v.type.k === 'int';
const isPtrLike = (v: Value): v is { type: CType; v: bigint } =>
  v.type.k === 'ptr' || v.type.k === 'text' || v.type.k === 'data';

function promote(t: IntType): IntType {
  return INT_INFO[t].rank < 3 ? 'int' : t;
}

/** C's usual arithmetic conversions for two integer types. */
function common(a: IntType, b: IntType): IntType {
  const pa = promote(a);
  const pb = promote(b);
  const ia = INT_INFO[pa];
  const ib = INT_INFO[pb];
  if (ia.rank !== ib.rank) {
    const hi = ia.rank > ib.rank ? pa : pb;
    const lo = ia.rank > ib.rank ? pb : pa;
    // A signed 64-bit type holds every 32-bit unsigned value.
    if (INT_INFO[hi].signed && !INT_INFO[lo].signed && INT_INFO[hi].bits <= INT_INFO[lo].bits)
      return `u${hi}` as IntType;
    return hi;
  }
  return ia.signed && ib.signed ? pa : (`u${pa.replace(/^u/, '')}` as IntType);
}

function truth(v: Value): boolean {
  if (v.type.k === 'novalue') throw new ExprError('Attempt to use a type name as an expression');
  return (v as { v: bigint }).v !== 0n;
}

function needValue(v: Value, what: string): { type: CType; v: bigint } {
  if (v.type.k === 'novalue') throw new ExprError(`Attempt to use a void value in ${what}.`);
  return v as { type: CType; v: bigint };
}

function dataSymbolError(name: string): ExprError {
  return new ExprError(`'${name}' has unknown type; cast it to its declared type`);
}

export async function evaluate(e: Expr, ctx: EvalContext): Promise<Value> {
  switch (e.k) {
    case 'num':
      return intValue(e.type, e.v);
    case 'reg': {
      const h = /^(\$?)(\d*)$/.exec(e.name);
      if (h && (e.name === '' || e.name === '$' || h[2] !== '')) {
        // `$` last, `$N` the Nth, `$$` the one before last, `$$N` N back from the last.
        const hist = ctx.history;
        let idx: number;
        if (h[1] === '$') idx = hist.length - 1 - (h[2] === '' ? 1 : Number(h[2]));
        else idx = h[2] === '' ? hist.length - 1 : Number(h[2]) - 1;
        if (hist.length === 0 && h[2] === '') return VOID_VALUE;
        const v = hist[idx];
        if (v === undefined) throw new ExprError(`History has not yet reached $${h[1]}${h[2]}.`);
        return v;
      }
      return ctx.register(e.name.toLowerCase()) ?? VOID_VALUE;
    }
    case 'sym': {
      const s = ctx.symbol(e.name);
      if (!s) throw new ExprError(`No symbol "${e.name}" in current context.`);
      return { type: s.code ? { k: 'text' } : { k: 'data' }, v: BigInt(s.address) };
    }
    case 'sizeof':
      return intValue('ulong', BigInt(sizeOf(e.type)));
    case 'cast': {
      // `(long)counter` reads a data symbol as the type; any other cast converts the value.
      if (e.e.k === 'sym') {
        const s = ctx.symbol(e.e.name);
        if (s && !s.code && e.type.k !== 'ptr') return load(ctx, e.type, BigInt(s.address));
      }
      const v = await evaluate(e.e, ctx);
      return cast(v, e.type, e.e);
    }
    case 'unary': {
      if (e.op === '&') {
        if (e.e.k === 'sym') {
          const v = await evaluate(e.e, ctx);
          const val = needValue(v, 'address-of');
          return { type: { k: 'ptr', to: val.type }, v: val.v };
        }
        if (e.e.k === 'unary' && e.e.op === '*') {
          const inner = needValue(await evaluate(e.e.e, ctx), 'address-of');
          return inner;
        }
        throw new ExprError('Attempt to take address of value not located in memory.');
      }
      const v = await evaluate(e.e, ctx);
      if (e.op === '*') {
        const p = needValue(v, 'indirection');
        if (p.type.k === 'data' && e.e.k === 'sym') throw dataSymbolError(e.e.name);
        if (p.type.k === 'ptr') {
          if (p.type.to.k === 'void') throw new ExprError('Attempt to take contents of a non-pointer value.');
          return load(ctx, p.type.to, p.v);
        }
        if (p.type.k === 'int' || p.type.k === 'text') return load(ctx, INT, p.v);
        throw new ExprError('Attempt to take contents of a non-pointer value.');
      }
      const x = needValue(v, 'an expression');
      if (x.type.k === 'data' && e.e.k === 'sym') throw dataSymbolError(e.e.name);
      if (x.type.k !== 'int') {
        if (e.op === '!') return intValue('int', x.v === 0n ? 1n : 0n);
        throw new ExprError(
          `Argument to ${e.op === '-' ? 'arithmetic operation' : 'complement operation'} not a number or boolean.`,
        );
      }
      const t = promote(x.type.t);
      switch (e.op) {
        case '-':
          return intValue(t, -x.v);
        case '+':
          return intValue(t, x.v);
        case '~':
          return intValue(t, ~x.v);
        default:
          return intValue('int', x.v === 0n ? 1n : 0n);
      }
    }
    case 'bin':
      return binary(e, ctx);
  }
}

async function load(ctx: EvalContext, t: CType, address: bigint): Promise<Value> {
  if (t.k === 'text' || t.k === 'data' || t.k === 'func' || t.k === 'void')
    throw new ExprError('Attempt to take contents of a non-pointer value.');
  const size = sizeOf(t);
  const a = Number(BigInt.asUintN(64, address));
  let b: Uint8Array;
  try {
    b = await ctx.readMemory(a, size);
  } catch {
    throw new ExprError(`Cannot access memory at address 0x${a.toString(16)}`);
  }
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  if (t.k === 'ptr') return { type: t, v };
  return intValue(t.t, v);
}

function cast(v: Value, t: CType, src: Expr): Value {
  const x = needValue(v, 'a cast');
  if (x.type.k === 'data' && src.k === 'sym' && t.k !== 'ptr') throw dataSymbolError(src.name);
  if (t.k === 'int') return intValue(t.t, x.v);
  if (t.k === 'ptr') return { type: t, v: BigInt.asUintN(64, x.v) };
  if (t.k === 'void') return VOID_VALUE;
  throw new ExprError('Invalid cast.');
}

async function binary(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Promise<Value> {
  if (e.op === '&&' || e.op === '||') {
    const a = truth(await evaluate(e.a, ctx));
    if (e.op === '&&' && !a) return intValue('int', 0n);
    if (e.op === '||' && a) return intValue('int', 1n);
    return intValue('int', truth(await evaluate(e.b, ctx)) ? 1n : 0n);
  }
  const av = needValue(await evaluate(e.a, ctx), 'an expression');
  const bv = needValue(await evaluate(e.b, ctx), 'an expression');
  for (const [val, ex] of [
    [av, e.a],
    [bv, e.b],
  ] as const) {
    if (val.type.k === 'data' && ex.k === 'sym') throw dataSymbolError(ex.name);
  }
  const op = e.op;
  if (['==', '!=', '<', '>', '<=', '>='].includes(op)) {
    let a = av.v;
    let b = bv.v;
    if (isInt(av) && isInt(bv)) {
      const t = common(av.type.t, bv.type.t);
      a = normalize(t, a);
      b = normalize(t, b);
    } else {
      a = BigInt.asUintN(64, a);
      b = BigInt.asUintN(64, b);
    }
    const r =
      op === '=='
        ? a === b
        : op === '!='
          ? a !== b
          : op === '<'
            ? a < b
            : op === '>'
              ? a > b
              : op === '<='
                ? a <= b
                : a >= b;
    return intValue('int', r ? 1n : 0n);
  }
  // Pointer arithmetic: scaled by the pointee's size (1 for void, code and symbols, as gdb does).
  if ((op === '+' || op === '-') && isPtrLike(av) && isInt(bv)) return ptrAdd(av, op === '+' ? bv.v : -bv.v);
  if (op === '+' && isInt(av) && isPtrLike(bv)) return ptrAdd(bv, av.v);
  if (op === '-' && isPtrLike(av) && isPtrLike(bv)) {
    const size = BigInt(av.type.k === 'ptr' ? sizeOf(av.type.to) : 1);
    return intValue('long', (BigInt.asUintN(64, av.v) - BigInt.asUintN(64, bv.v)) / size);
  }
  if (!isInt(av) || !isInt(bv)) throw new ExprError('Argument to arithmetic operation not a number or boolean.');
  const shift = op === '<<' || op === '>>';
  const t = shift ? promote(av.type.t) : common(av.type.t, bv.type.t);
  const a = normalize(t, av.v);
  const b = shift ? bv.v : normalize(t, bv.v);
  switch (op) {
    case '+':
      return intValue(t, a + b);
    case '-':
      return intValue(t, a - b);
    case '*':
      return intValue(t, a * b);
    case '/':
    case '%':
      if (b === 0n) throw new ExprError('Division by zero');
      return intValue(t, op === '/' ? a / b : a % b);
    case '&':
      return intValue(t, a & b);
    case '|':
      return intValue(t, a | b);
    case '^':
      return intValue(t, a ^ b);
    case '<<':
      return intValue(t, a << (b & 63n));
    case '>>':
      return intValue(t, a >> (b & 63n));
  }
  throw new ExprError(`unsupported operator '${op}'`);
}

function ptrAdd(p: { type: CType; v: bigint }, n: bigint): Value {
  const size = BigInt(p.type.k === 'ptr' ? sizeOf(p.type.to) : 1);
  const type: CType = p.type.k === 'ptr' ? p.type : { k: 'ptr', to: p.type };
  return { type, v: BigInt.asUintN(64, p.v + n * size) };
}

// ---- printing ------------------------------------------------------------------------------------

export interface FormatContext {
  /** `main+4` for an address inside a symbol (decimal offsets, as gdb prints them). */
  symbolize(address: number): string | undefined;
  /** A C string at address (for `char *` values), undefined when unreadable. */
  cString?: (address: number) => string | undefined;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
/** `<sym+off>`, without doubling the brackets of names like `<trampoline greet>+4`. */
export const angled = (s: string): string => (s.startsWith('<') ? s : `<${s}>`);

function addressText(v: bigint, fmt: FormatContext): string {
  const a = BigInt.asUintN(64, v);
  const s = a < 2n ** 53n ? fmt.symbolize(Number(a)) : undefined;
  return s ? `${hex(a)} ${angled(s)}` : hex(a);
}

/** Escapes a byte string as gdb shows C strings and chars. */
export function cEscape(bytes: ArrayLike<number>, quote: '"' | "'"): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    const named: Record<number, string> = {
      7: '\\a',
      8: '\\b',
      9: '\\t',
      10: '\\n',
      11: '\\v',
      12: '\\f',
      13: '\\r',
      27: '\\033',
    };
    if (named[c]) s += named[c];
    else if (c === 92) s += '\\\\';
    else if (c === quote.charCodeAt(0)) s += `\\${quote}`;
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return s;
}

/** An integer in print/x's letters: x d u o t c a z (the value's own width). */
export function formatInt(v: bigint, bits: number, signed: boolean, letter: string, fmt: FormatContext): string {
  const u = BigInt.asUintN(bits, v);
  switch (letter) {
    case 'x':
      return hex(u);
    case 'z':
      return `0x${u.toString(16).padStart(bits / 4, '0')}`;
    case 'o':
      return u === 0n ? '0' : `0${u.toString(8)}`;
    case 't':
      return u.toString(2);
    case 'd':
      return BigInt.asIntN(bits, v).toString();
    case 'u':
      return u.toString();
    case 'c': {
      const c = Number(BigInt.asIntN(8, v));
      return `${c} '${cEscape([c & 0xff], "'")}'`;
    }
    case 'a':
      return addressText(u, fmt);
    default:
      return signed ? BigInt.asIntN(bits, v).toString() : u.toString();
  }
}

/** The text after `$N = ` for a value, as `print` (optionally `print/F`) shows it. */
export function formatValue(value: Value, fmt: FormatContext, letter?: string): string {
  if (value.type.k === 'novalue') return 'void';
  const { type, v } = value as { type: CType; v: bigint };
  if (letter !== undefined && letter !== 's') {
    const bits = type.k === 'int' ? INT_INFO[type.t].bits : 64;
    const signed = type.k === 'int' ? INT_INFO[type.t].signed : false;
    return formatInt(v, bits, signed, letter, fmt);
  }
  switch (type.k) {
    case 'int':
      if (type.t === 'char' || type.t === 'uchar') return formatInt(v, 8, true, 'c', fmt);
      return v.toString();
    case 'text':
      return `{${typeName(type)}} ${addressText(v, fmt)}`;
    case 'data':
      return `{${typeName(type)}} ${addressText(v, fmt)}`;
    case 'ptr': {
      if (type.to.k === 'int' && (type.to.t === 'char' || type.to.t === 'uchar')) {
        const s = fmt.cString?.(Number(v));
        return `${addressText(v, fmt)}${s === undefined ? '' : ` ${s}`}`;
      }
      return `(${typeName(type)}) ${addressText(v, fmt)}`;
    }
    case 'void':
    case 'func':
      return 'void';
  }
}
