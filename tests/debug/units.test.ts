/**
 * The debugger's pure parts: gdb's expression semantics (types of registers, literals, C's
 * conversions; values as gdb-multiarch printed them, see gdb-shapes.test.ts), x/Nfu parsing and
 * unit formats, info registers columns, command parsing and tab completion.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CommandError,
  complete,
  parseCommand,
  resolveCommandName,
  resolveInfoSubcommand,
} from '../../src/debug/commands.ts';
import { registerValue } from '../../src/debug/control.ts';
import { type EvalContext, evaluate, formatValue, parseExpr } from '../../src/debug/expr.ts';
import { formatUnit, parseExamineSpec, perLine, registerLine } from '../../src/debug/format.ts';
import type { DebugRegisters } from '../../src/debug/target.ts';

const regs: DebugRegisters = {
  x: Array.from({ length: 31 }, (_, i) => BigInt(i)),
  sp: 0x5500800690n,
  pc: 0x400710,
  nzcv: 0x60000000,
  fpcr: 0,
  fpsr: 0,
  tpidr_el0: 0n,
  v: [],
};
regs.x[5] = 0xbba127a4a41f894dn;
regs.x[30] = 0x400808n;
const memory = new Map<number, number>([...new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0])].map((b, i) => [0x490050 + i, b]));
const symbols: Record<string, { address: number; code: boolean }> = {
  main: { address: 0x400708, code: true },
  counter: { address: 0x490050, code: false },
};
const history: ReturnType<typeof Array<never>> = [];
const ctx: EvalContext = {
  register: (n) => registerValue(regs, n),
  symbol: (n) => symbols[n],
  readMemory: (a, n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = memory.get(a + i);
      if (v === undefined) return Promise.reject(new Error('unmapped'));
      b[i] = v;
    }
    return Promise.resolve(b);
  },
  history,
};
const fmt = {
  symbolize: (a: number) => {
    if (a >= 0x400708 && a < 0x400790) return a === 0x400708 ? 'main' : `main+${a - 0x400708}`;
    if (a >= 0x490050 && a < 0x490058) return a === 0x490050 ? 'counter' : `counter+${a - 0x490050}`;
    return undefined;
  },
};
const p = async (e: string, letter?: string) => formatValue(await evaluate(parseExpr(e), ctx), fmt, letter);

describe('print: gdb semantics', () => {
  it('registers have gdb types', async () => {
    expect(await p('$x0')).toBe('0');
    expect(await p('$x5')).toBe('-4926612929284961971');
    expect(await p('$sp')).toBe('(void *) 0x5500800690');
    expect(await p('$sp', 'x')).toBe('0x5500800690');
    expect(await p('$pc')).toBe('(void (*)()) 0x400710 <main+8>');
    expect(await p('$pc + 4')).toBe('(void (*)()) 0x400714 <main+12>');
    expect(await p('$w30')).toBe('4196360');
    expect(await p('$fp')).toBe('(void *) 0x1d');
    expect(await p('$nosuch')).toBe('void');
  });

  it('literals, arithmetic and conversions', async () => {
    expect(await p('$x3 + 3 * (2 + 1)')).toBe('12');
    expect(await p('255', 'x')).toBe('0xff');
    expect(await p('10 / 3')).toBe('3');
    expect(await p('-7 / 2')).toBe('-3');
    expect(await p('-7 % 2')).toBe('-1');
    expect(await p('-1', 'x')).toBe('0xffffffff');
    expect(await p('-1L', 'x')).toBe('0xffffffffffffffff');
    expect(await p('0x7fffffffffffffff + 1')).toBe('-9223372036854775808');
    expect(await p('2147483647 + 1')).toBe('-2147483648');
    expect(await p('0xffffffff')).toBe('4294967295');
    expect(await p('1 << 40')).toBe('0');
    expect(await p('1L << 40')).toBe('1099511627776');
    expect(await p('(1 == 1) + (2 > 3) * 5 + !0')).toBe('2');
    expect(await p("'A'")).toBe('65');
    expect(await p('(char)65')).toBe("65 'A'");
    expect(await p('sizeof(int)')).toBe('4');
    await expect(p('1 / 0')).rejects.toThrow('Division by zero');
    await expect(p('1 +')).rejects.toThrow(/syntax error/);
  });

  it('symbols without debug information, casts and memory', async () => {
    expect(await p('main')).toBe('{<text variable, no debug info>} 0x400708 <main>');
    expect(await p('main + 4')).toBe('(<text variable, no debug info> *) 0x40070c <main+4>');
    expect(await p('&counter')).toBe('(<data variable, no debug info> *) 0x490050 <counter>');
    expect(await p('(long)counter')).toBe('5');
    expect(await p('*(long*)&counter')).toBe('5');
    expect(await p('*(int*)0x490050 + 1')).toBe('6');
    expect(await p('(long*)&counter + 1')).toBe('(long *) 0x490058');
    await expect(p('counter + 1')).rejects.toThrow("'counter' has unknown type; cast it to its declared type");
    await expect(p('*(long*)0x10')).rejects.toThrow('Cannot access memory at address 0x10');
    await expect(p('nosuch')).rejects.toThrow('No symbol "nosuch" in current context.');
  });

  it('int arithmetic wraps as C int (property: + - * on int32 literals)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.constantFrom('+', '-', '*'),
        async (a, b, op) => {
          const x = BigInt(a);
          const y = BigInt(b);
          const want = BigInt.asIntN(32, op === '+' ? x + y : op === '-' ? x - y : x * y);
          expect(await p(`${a} ${op} ${b}`)).toBe(want.toString());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('x/Nfu and info registers formats', () => {
  it('parses count, format and unit in any order, with gdb defaults', () => {
    const last = { letter: 'x', unit: 4 as const };
    expect(parseExamineSpec('4wx', last)).toMatchObject({ count: 4, letter: 'x', unit: 4 });
    expect(parseExamineSpec('2xg', last)).toMatchObject({ count: 2, letter: 'x', unit: 8 });
    expect(parseExamineSpec('s', last)).toMatchObject({ count: 1, letter: 's', unit: 1 });
    expect(parseExamineSpec('a', last)).toMatchObject({ letter: 'a', unit: 8 });
    expect(parseExamineSpec('c', last)).toMatchObject({ letter: 'c', unit: 1 });
    expect(parseExamineSpec('', { letter: 'd', unit: 2 })).toMatchObject({ count: 1, letter: 'd', unit: 2 });
    expect(() => parseExamineSpec('4q', last)).toThrow('Undefined output format "q".');
    expect(perLine('x', 1)).toBe(8);
    expect(perLine('x', 4)).toBe(4);
    expect(perLine('x', 8)).toBe(2);
  });

  it('units: hex zero-padded, octal with 0, binary to the unit, chars, floats', () => {
    const b = (...x: number[]) => new Uint8Array(x);
    const none = () => undefined;
    expect(formatUnit(b(0xb0, 0x07, 0x80, 0x00), 'x', 4, none)).toBe('0x008007b0');
    expect(formatUnit(b(0xa0, 0x06, 0x80, 0x00), 'o', 4, none)).toBe('040003240');
    expect(formatUnit(b(0, 0, 0, 0), 'o', 4, none)).toBe('0');
    expect(formatUnit(b(0x55, 0), 'd', 2, none)).toBe('85');
    expect(formatUnit(b(0xff, 0xff), 'd', 2, none)).toBe('-1');
    expect(formatUnit(b(0xff, 0xff), 'u', 2, none)).toBe('65535');
    expect(formatUnit(b(0x68), 'c', 1, none)).toBe("104 'h'");
    expect(formatUnit(b(0x0a), 'c', 1, none)).toBe("10 '\\n'");
    expect(formatUnit(b(0xa0, 0x06, 0x80, 0), 't', 4, none)).toBe('00000000100000000000011010100000');
    expect(formatUnit(new Uint8Array(new Float64Array([1.5]).buffer), 'f', 8, none)).toBe('1.5');
    expect(formatUnit(new Uint8Array(new Float32Array([0.1]).buffer), 'f', 4, none)).toBe('0.1');
  });

  it('property: x/x of any unit reads back as the same bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>,
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (unit, bytes) => {
          const t = formatUnit(bytes.subarray(0, unit), 'x', unit, () => undefined);
          expect(t).toMatch(new RegExp(`^0x[0-9a-f]{${unit * 2}}$`));
          let v = BigInt(t);
          for (let i = 0; i < unit; i++, v >>= 8n) expect(Number(v & 0xffn)).toBe(bytes[i]);
        },
      ),
    );
  });

  it('register rows: name to column 15, raw to column 35 (gdb-multiarch)', () => {
    expect(registerLine('x0', '0x1', '1')).toBe('x0             0x1                 1');
    expect(registerLine('x5', '0xbba127a4a41f894d', '-4926612929284961971')).toBe(
      'x5             0xbba127a4a41f894d  -4926612929284961971',
    );
    expect(registerLine('ID_AA64PFR0_EL1', '0x1000100110011', '281479272792081')).toBe(
      'ID_AA64PFR0_EL1 0x1000100110011    281479272792081',
    );
  });
});

describe('commands', () => {
  it("gdb's names, short forms and unique prefixes", () => {
    expect(resolveCommandName('r')).toBe('run');
    expect(resolveCommandName('tb')).toBe('tbreak');
    expect(resolveCommandName('si')).toBe('stepi');
    expect(resolveCommandName('ni')).toBe('nexti');
    expect(resolveCommandName('stepi')).toBe('stepi');
    expect(resolveCommandName('l')).toBe('list');
    expect(resolveCommandName('u')).toBe('until');
    expect(resolveCommandName('p')).toBe('print');
    expect(resolveCommandName('disas')).toBe('disassemble');
    expect(resolveCommandName('regs')).toBe('regs');
    expect(resolveCommandName('tr')).toBe('trampolines');
    expect(resolveCommandName('ev')).toBe('events');
    expect(() => resolveCommandName('st')).toThrow(CommandError);
    expect(resolveInfoSubcommand('r')).toBe('registers');
    expect(resolveInfoSubcommand('b')).toBe('breakpoints');
    expect(resolveInfoSubcommand('sh')).toBe('sharedlibrary');
    expect(resolveInfoSubcommand('sym')).toBe('symbol');
  });

  it('parses /FMT and keeps expressions whole', () => {
    expect(parseCommand('x/4wx $sp + 16')).toMatchObject({ name: 'x', format: '4wx', rest: '$sp + 16' });
    expect(parseCommand('p/x $x0')).toMatchObject({ name: 'print', format: 'x', rest: '$x0' });
    expect(parseCommand('display/i $pc')).toMatchObject({ name: 'display', format: 'i', rest: '$pc' });
    expect(parseCommand('i r x0 x1')).toMatchObject({ name: 'info', args: ['r', 'x0', 'x1'] });
    expect(parseCommand('# c')).toBeUndefined();
    expect(() => parseCommand('step/2')).toThrow(/only follows/);
  });

  it('completes commands, info subcommands, registers and symbols', () => {
    const syms = () => ['greet', 'greet$orc_fnbody', 'main', 'square'];
    expect(complete('dis', syms)).toEqual([['disasm', 'disassemble', 'display'], 'dis']);
    expect(complete('info sh', syms)).toEqual([['sharedlibrary'], 'sh']);
    expect(complete('p $x1', syms)[0]).toContain('$x10');
    expect(complete('break gr', syms)).toEqual([['greet', 'greet$orc_fnbody'], 'gr']);
    expect(complete('x/4gx *(long*)ma', syms)).toEqual([['main'], 'ma']);
    expect(complete('frob x', syms)).toEqual([[], 'x']);
  });
});
