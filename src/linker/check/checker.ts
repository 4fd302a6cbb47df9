/**
 * jitlink-check rules (llvm RuntimeDyldChecker grammar, reference section 8): extraction with
 * `\` continuations, expressions evaluated strictly left to right in unsigned 64-bit arithmetic.
 */
import { CheckError } from '../errors.ts';
import { decodeOperands, OperandDecodeError } from './operands.ts';

/**
 * What jitlink-check rules can ask about the link: symbol, stub, GOT and section addresses, memory (checkEnvironment builds one).
 */
export interface CheckEnvironment {
  /** Executor address of a symbol, or undefined. */
  symbolAddress(name: string): number | bigint | undefined;
  stubAddress(file: string, symbol: string): number | undefined;
  gotAddress(file: string, symbol: string): number | undefined;
  sectionAddress(file: string, section: string): number | undefined;
  /** Reads `size` bytes of linked memory (little-endian target). */
  read(address: number, size: number): Uint8Array | undefined;
  /** Memory loads (`*{N}`) in big-endian byte order (aarch64_be); instructions stay little-endian. */
  bigEndian?: boolean;
}

/** One `# jitlink-check:` rule: its expression text and the line it starts on. */
export interface Rule {
  text: string;
  /** 1-based line of the rule's first line in its file. */
  line: number;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Extracts `# jitlink-check:` rules (or `# <name>:`), joining lines that end in `\`.
 *
 * @param text - the check file's text (often the assembly source the object came from).
 * @param name - the rule prefix (llvm-jitlink -check-name; default jitlink-check).
 * @returns the rules in file order (continued lines joined).
 * @example
 * ```ts
 * extractRules('# jitlink-check: *{8}ptr = foo\n'); // [{ text: '*{8}ptr = foo', line: 1 }]
 * ```
 */
export function extractRules(text: string, name = 'jitlink-check'): Rule[] {
  const prefix = `# ${name}:`;
  const rules: Rule[] = [];
  let pending: { text: string; line: number } | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trimStart();
    if (!l.startsWith(prefix)) continue;
    // Like llvm-jitlink: continuation text is kept verbatim (only the rule's start is trimmed).
    let body = l.slice(prefix.length).trimEnd();
    const cont = body.endsWith('\\');
    if (cont) body = body.slice(0, -1);
    if (pending) pending.text += body;
    else pending = { text: body.trimStart(), line: i + 1 };
    if (!cont) {
      rules.push({ text: pending.text.trim(), line: pending.line });
      pending = null;
    }
  }
  if (pending) rules.push({ text: pending.text.trim(), line: pending.line });
  return rules;
}

class RuleEvalError extends Error {}

class Parser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly env: CheckEnvironment,
  ) {}

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
  peek(): string {
    this.ws();
    return this.s[this.pos] ?? '';
  }
  eat(t: string): boolean {
    this.ws();
    if (this.s.startsWith(t, this.pos)) {
      this.pos += t.length;
      return true;
    }
    return false;
  }
  expect(t: string, what: string): void {
    if (!this.eat(t)) throw new RuleEvalError(`expected '${t}' ${what}, at '${this.s.slice(this.pos)}'`);
  }
  atEnd(): boolean {
    this.ws();
    return this.pos >= this.s.length;
  }

  number(): bigint {
    this.ws();
    const m = /^(0x[0-9a-fA-F]+|[0-9]+)/.exec(this.s.slice(this.pos));
    if (!m) throw new RuleEvalError(`expected a number at '${this.s.slice(this.pos)}'`);
    this.pos += m[0].length;
    return BigInt(m[0]) & MASK64;
  }

  symbolName(): string {
    this.ws();
    const m = /^[A-Za-z_$.][0-9A-Za-z:_.$]*/.exec(this.s.slice(this.pos));
    if (!m) throw new RuleEvalError(`expected a symbol at '${this.s.slice(this.pos)}'`);
    this.pos += m[0].length;
    return m[0];
  }

  textUntil(stop: string): string {
    this.ws();
    const i = this.s.indexOf(stop, this.pos);
    if (i < 0) throw new RuleEvalError(`expected '${stop}' at '${this.s.slice(this.pos)}'`);
    const t = this.s.slice(this.pos, i).trim();
    this.pos = i;
    return t;
  }

  symAddr(name: string): bigint {
    const a = this.env.symbolAddress(name);
    if (a === undefined) {
      const hint = name.startsWith('L')
        ? ` (assembler-local labels starting with 'L' are not in the symbol table)`
        : '';
      throw new RuleEvalError(`No known address for symbol '${name}'${hint}`);
    }
    return BigInt(a) & MASK64;
  }

  /** expr := simple (binop simple)* — strictly left to right. */
  expr(): bigint {
    let v = this.simple();
    for (;;) {
      this.ws();
      const c = this.s[this.pos];
      let op: string | undefined;
      if (c === '+' || c === '-' || c === '&' || c === '|') op = c;
      else if (this.s.startsWith('<<', this.pos)) op = '<<';
      else if (this.s.startsWith('>>', this.pos)) op = '>>';
      if (!op) return v;
      this.pos += op.length;
      const r = this.simple();
      switch (op) {
        case '+':
          v = (v + r) & MASK64;
          break;
        case '-':
          v = (v - r) & MASK64;
          break;
        case '&':
          v &= r;
          break;
        case '|':
          v |= r;
          break;
        case '<<':
          v = r >= 64n ? 0n : (v << r) & MASK64;
          break;
        default:
          v = r >= 64n ? 0n : v >> r;
      }
    }
  }

  /** simple := primary [ '[' hi ':' lo ']' ] */
  simple(): bigint {
    let v = this.primary();
    if (this.peek() === '[') {
      this.pos++;
      const hi = this.number();
      this.expect(':', 'in bit slice');
      const lo = this.number();
      this.expect(']', 'closing bit slice');
      if (hi < lo) throw new RuleEvalError(`bad bit slice [${hi}:${lo}]`);
      const width = hi - lo + 1n;
      v = (v >> lo) & ((1n << width) - 1n);
    }
    return v;
  }

  primary(): bigint {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      const v = this.expr();
      this.expect(')', 'closing parenthesis');
      return v;
    }
    if (c === '*') {
      this.pos++;
      this.expect('{', "after '*'");
      const n = Number(this.number());
      this.expect('}', 'after load size');
      if (n < 1 || n > 8) throw new RuleEvalError(`invalid load size ${n}`);
      const addr = this.expr();
      if (n !== 1 && n !== 2 && n !== 4 && n !== 8) throw new RuleEvalError(`unsupported load size ${n}`);
      if (addr === 0n) return 0n;
      const bytes = addr > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : this.env.read(Number(addr), n);
      if (!bytes) throw new RuleEvalError(`cannot load ${n} bytes from 0x${addr.toString(16)}`);
      let v = 0n;
      if (this.env.bigEndian) for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(bytes[i]!);
      else for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
      return v;
    }
    if (/[0-9]/.test(c)) return this.number();
    if (!/[A-Za-z_$.]/.test(c)) throw new RuleEvalError(`unexpected '${this.s.slice(this.pos)}'`);
    const name = this.symbolName();
    if (this.peek() === '(' && ['decode_operand', 'next_pc', 'stub_addr', 'got_addr', 'section_addr'].includes(name)) {
      this.pos++;
      return this.call(name);
    }
    return this.symAddr(name);
  }

  call(name: string): bigint {
    switch (name) {
      case 'decode_operand': {
        const sym = this.symbolName();
        let addr = this.symAddr(sym);
        if (this.eat('+')) addr = (addr + this.number()) & MASK64;
        this.expect(',', 'in decode_operand');
        const idx = Number(this.number());
        this.expect(')', 'closing decode_operand');
        const word = this.readWord(addr, sym);
        let ops: ReturnType<typeof decodeOperands>;
        try {
          ops = decodeOperands(word, Number(addr));
        } catch (e) {
          if (e instanceof OperandDecodeError) throw new RuleEvalError(`${e.message} at '${sym}'`);
          throw e;
        }
        const op = ops.operands[idx];
        if (!op)
          throw new RuleEvalError(
            `Invalid operand index '${idx}' for instruction '${sym}'. Instruction has only ${ops.operands.length} operands.\nInstruction is:\n  ${ops.text}`,
          );
        if (op.reg)
          throw new RuleEvalError(
            `Operand '${idx}' of instruction '${sym}' is not an immediate.\nInstruction is:\n  ${ops.text}`,
          );
        return op.imm & MASK64;
      }
      case 'next_pc': {
        const sym = this.symbolName();
        this.expect(')', 'closing next_pc');
        const addr = this.symAddr(sym);
        this.readWord(addr, sym);
        return (addr + 4n) & MASK64;
      }
      case 'stub_addr':
      case 'got_addr': {
        const file = this.textUntil(',');
        this.pos++;
        const sym = this.symbolName();
        if (name === 'stub_addr' && this.eat(',')) this.textUntil(')'); // kind filter: AArch64 has one stub kind
        this.expect(')', `closing ${name}`);
        const a = name === 'stub_addr' ? this.env.stubAddress(file, sym) : this.env.gotAddress(file, sym);
        if (a === undefined)
          throw new RuleEvalError(
            `${name === 'stub_addr' ? 'Stub' : 'GOT entry'} for symbol '${sym}' not found in file '${file}'`,
          );
        return BigInt(a) & MASK64;
      }
      default: {
        const file = this.textUntil(',');
        this.pos++;
        const sec = this.textUntil(')');
        this.pos++;
        const a = this.env.sectionAddress(file, sec);
        if (a === undefined) throw new RuleEvalError(`Section '${sec}' not found in file '${file}'`);
        return BigInt(a) & MASK64;
      }
    }
  }

  readWord(addr: bigint, sym: string): number {
    const b = addr > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : this.env.read(Number(addr), 4);
    if (!b) throw new RuleEvalError(`Couldn't read the instruction at '${sym}' (0x${addr.toString(16)})`);
    return ((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0) as number;
  }
}

/** The result of one rule: ok, or the failure message in llvm-jitlink's wording. */
export interface RuleOutcome {
  rule: Rule;
  ok: boolean;
  /** The failure text (llvm-jitlink's wording) when not ok. */
  message?: string;
}

/**
 * Evaluates one rule (`lhs = rhs`, RuntimeDyldChecker's grammar: decode_operand, stub_addr,
 * got_addr, section_addr, `*{N}addr` loads, arithmetic) in unsigned 64-bit arithmetic.
 *
 * @param rule - the rule (from extractRules).
 * @param env - the linked program's addresses and memory.
 * @returns ok, or not ok with the message llvm-jitlink would print (a malformed expression is a
 *   failed rule, not a throw).
 * @example
 * ```ts
 * const outcome = evaluateRule({ text: 'main = 0x10000000', line: 1 }, env);
 * if (!outcome.ok) console.log(outcome.message);
 * ```
 */
export function evaluateRule(rule: Rule, env: CheckEnvironment): RuleOutcome {
  const text = rule.text;
  const eq = text.indexOf('=');
  if (eq < 0) return { rule, ok: false, message: `Error evaluating expression '${text}': expected '=' in rule` };
  try {
    const lp = new Parser(text.slice(0, eq), env);
    const lhs = lp.expr();
    if (!lp.atEnd())
      throw new RuleEvalError(`unexpected trailing text '${lp.s.slice(lp.pos).trim()}' on the left-hand side`);
    const rp = new Parser(text.slice(eq + 1), env);
    const rhs = rp.expr();
    if (!rp.atEnd())
      throw new RuleEvalError(`unexpected trailing text '${rp.s.slice(rp.pos).trim()}' on the right-hand side`);
    if (lhs === rhs) return { rule, ok: true };
    return {
      rule,
      ok: false,
      message: `Expression '${text}' is false: 0x${lhs.toString(16)} != 0x${rhs.toString(16)}`,
    };
  } catch (e) {
    if (e instanceof RuleEvalError)
      return { rule, ok: false, message: `Error evaluating expression '${text}': ${e.message}` };
    throw e;
  }
}

/**
 * Runs every rule of a file; a file without rules is an error.
 *
 * @param text - the check file's text.
 * @param file - its name, for the error.
 * @param env - the linked program (checkEnvironment(results, engine)).
 * @param name - the rule prefix (default jitlink-check).
 * @returns one outcome per rule.
 * @throws CheckError when the file holds no rule.
 * @example
 * ```ts
 * const env = checkEnvironment(linked.results, engine);
 * const failed = checkFile(readFileSync('rules.s', 'utf8'), 'rules.s', env).filter((o) => !o.ok);
 * ```
 */
export function checkFile(text: string, file: string, env: CheckEnvironment, name = 'jitlink-check'): RuleOutcome[] {
  const rules = extractRules(text, name);
  if (rules.length === 0) throw new CheckError(`${file}: no '# ${name}:' rules found`);
  return rules.map((r) => evaluateRule(r, env));
}
