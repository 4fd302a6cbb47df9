/**
 * `orc-sandbox debug`: scripted sessions (transcripts) on programs the debugger was not written
 * against — svc-libc (a freestanding libc whose printf writes through `svc #0`, lazily linked
 * bodies) — and on the first-call fixture and examples/lazy-demo, on both engines: stops in the
 * reentry routine, the stub table before and after the redirect, the program's output, the
 * program's exit status; gdb commands (info registers, p, x/Nfu, tbreak, watch, until, advance,
 * display, disassemble, info breakpoints/symbol/sharedlibrary, run/start/kill); the tutorial.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { blocks, session } from './support.ts';

const FIRST = fileURLToPath(new URL('./fixtures/first-call/obj/', import.meta.url));
const SVC = fileURLToPath(new URL('./fixtures/svc-libc/obj/', import.meta.url));
const DEMO = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));

const svcInputs = [`${SVC}mlc.o`, `${SVC}main.o`, '-lazy', `${SVC}greet.o`, '-lazy', `${SVC}math.o`];
const svcScript = [
  'break __orc_rt_sysv_resolve',
  'continue',
  'stubs',
  'delete 1',
  'tbreak square$orc_fnbody',
  'continue',
  'stubs',
  'info registers',
  'p $x0',
  'x/4i $pc',
  'x/2gx $sp',
  'continue',
];

function svcSuite(engine: EngineKind): void {
  it('stops in the reentry routine, shows the stub table before and after the redirect, ends with status 7', async () => {
    const { text, status } = await session(svcInputs, svcScript, engine);
    expect(status).toBe(7);
    const b = blocks(text);
    expect(b.map((x) => x[0])).toEqual(svcScript);
    const out = b.map((x) => x[1]);
    expect(out[0]).toMatch(/^Breakpoint 1 at 0x[0-9a-f]+ <__orc_rt_sysv_resolve> \(orc-rt\/sysv_resolve\.o\)\n$/);
    // The program's output (printf through svc #0) comes first, then the stop in the routine.
    expect(out[1]).toMatch(
      /^main: svc libc, argc=1\n\nBreakpoint 1, 0x[0-9a-f]{16} in __orc_rt_sysv_resolve \(\)\n=> 0x[0-9a-f]+ <__orc_rt_sysv_resolve>:\tsub\tsp, sp, #0x2d0\nnote: x30 = (0x[0-9a-f]+) = T \+ 8, .* = T: the trampoline of greet \(body greet\$orc_fnbody, JITDylib main\)\n$/,
    );
    const t = /x30 - 8 = (0x[0-9a-f]+) = T/.exec(out[1] as string)?.[1] as string;
    expect(out[2]).toMatch(
      new RegExp(`^greet +0x[0-9a-f]+ +0x[0-9a-f]+ +-> ${t} <trampoline greet> \\(not resolved yet\\)$`, 'm'),
    );
    expect(out[2]).toMatch(
      /^square +0x[0-9a-f]+ +0x[0-9a-f]+ +-> 0x[0-9a-f]+ <trampoline square> \(not resolved yet\)$/m,
    );
    expect(out[4]).toBe(
      'Temporary breakpoint 2 (square$orc_fnbody) pending: not linked yet, armed when it gets an address\n',
    );
    expect(out[5]).toMatch(
      /^greet: hello, lazy world \(call 1\)\nBreakpoint 2 \(square\$orc_fnbody\) armed at 0x[0-9a-f]+ \(math\.o\)\n\nTemporary breakpoint 2, 0x[0-9a-f]{16} in square\$orc_fnbody \(\)\n=> 0x[0-9a-f]+ <square\$orc_fnbody>:\tmul\tx0, x0, x0\n$/,
    );
    // After the redirects both pointers reach the bodies.
    expect(out[6]).toMatch(/^greet +0x[0-9a-f]+ +0x[0-9a-f]+ +-> 0x[0-9a-f]+ greet\$orc_fnbody \(redirected\)$/m);
    expect(out[6]).toMatch(/^square +0x[0-9a-f]+ +0x[0-9a-f]+ +-> 0x[0-9a-f]+ square\$orc_fnbody \(redirected\)$/m);
    // info registers: gdb's columns (name to 15, raw to 35, natural), x0..x30 sp pc cpsr fpsr fpcr.
    const regs = (out[7] as string).trimEnd().split('\n');
    expect(regs.map((l) => l.split(/\s+/)[0])).toEqual([
      ...Array.from({ length: 31 }, (_, i) => `x${i}`),
      'sp',
      'pc',
      'cpsr',
      'fpsr',
      'fpcr',
    ]);
    expect(regs[0]).toBe(
      `x0             0x1                1`.replace('0x1                1', '0x1                 1'),
    );
    expect(regs[32]).toMatch(/^pc {13}0x[0-9a-f]+ +0x[0-9a-f]+ <square\$orc_fnbody>$/);
    for (const l of regs) expect(l.length > 35 && l[14] === ' ' && l[34] === ' ' && l[35] !== ' ').toBe(true);
    expect(out[8]).toBe('$1 = 1\n');
    const x4i = (out[9] as string).trimEnd().split('\n');
    expect(x4i).toHaveLength(4);
    expect(x4i[0]).toMatch(/^=> 0x[0-9a-f]+ <square\$orc_fnbody>:\tmul\tx0, x0, x0$/);
    expect(x4i[1]).toMatch(/^ {3}0x[0-9a-f]+ <square\$orc_fnbody\+4>:\tret$/);
    expect(out[10]).toMatch(/^0x[0-9a-f]+:\t0x[0-9a-f]{16}\t0x[0-9a-f]{16}\n$/);
    expect(out[11]).toBe(
      'greet: hello, again (call 2)\nmain: total=14\n[Inferior 1 (process 1) exited with code 07]\n',
    );
  });
}

describe('debug: svc-libc program (ts engine)', () => svcSuite('ts'));
describeWithOracles(['unicorn'], 'debug: svc-libc program (unicorn engine)', () => {
  svcSuite('unicorn');
  it('gives the same transcript as the ts engine', async () => {
    expect((await session(svcInputs, svcScript, 'unicorn')).text).toBe(
      (await session(svcInputs, svcScript, 'ts')).text,
    );
  });
});

describe('debug: gdb commands on svc-libc', () => {
  it('tbreak, watch (stops on a change, old and new value), info breakpoints, delete, exit status', async () => {
    const { text, status } = await session(svcInputs, [
      'tbreak main',
      'run',
      'info breakpoints',
      'watch total',
      'continue',
      'p (long)total',
      'continue',
      'info breakpoints',
      'delete',
      'continue',
    ]);
    expect(status).toBe(7);
    const b = blocks(text).map((x) => x[1]);
    expect(b[0]).toMatch(/^Temporary breakpoint 1 at 0x[0-9a-f]+ <main> \(main\.o\)\n$/);
    expect(b[1]).toMatch(/^Starting program: .*mlc\.o\n\nTemporary breakpoint 1, 0x[0-9a-f]{16} in main \(\)\n/);
    expect(b[2]).toBe('No breakpoints or watchpoints.\n');
    expect(b[3]).toBe('Hardware watchpoint 2: total\n');
    expect(b[4]).toMatch(
      /^main: svc libc, argc=1\ngreet: hello, lazy world \(call 1\)\n\nHardware watchpoint 2: total\n\nOld value = 0\nNew value = 1\n0x[0-9a-f]{16} in main \(\)\n/,
    );
    expect(b[5]).toBe('$1 = 1\n');
    expect(b[6]).toMatch(/^\nHardware watchpoint 2: total\n\nOld value = 1\nNew value = 5\n/);
    expect(b[7]).toBe(
      'Num     Type           Disp Enb Address            What\n2       hw watchpoint  keep y                      total\n\tbreakpoint already hit 2 times\n',
    );
    expect(b[9]).toBe('greet: hello, again (call 2)\nmain: total=14\n[Inferior 1 (process 1) exited with code 07]\n');
  });

  it('print: registers, symbols, arithmetic, casts and the value history as gdb prints them', async () => {
    const { text } = await session(svcInputs, [
      'p $x0',
      'break main',
      'continue',
      'p $x0',
      'p $w0 + 3 * (2 + 1)',
      'p/x 255',
      'p 10 / 3',
      'p 7 / 0',
      'p -1',
      'p/x -1',
      'p 0x7fffffffffffffff + 1',
      'p main',
      'p main + 4',
      'p &total',
      'p total',
      'p (long)total',
      'p *(long*)&total + 1',
      'p $',
      'p $$2',
      'p $nosuch',
      'p sizeof(long)',
      'p $sp',
      'p $pc',
      'p nosuch',
      'output 42',
    ]);
    const b = blocks(text).map((x) => x[1]);
    expect(b[0]).toBe('No registers.\n');
    expect(b.slice(3)).toEqual([
      '$1 = 1\n',
      '$2 = 10\n',
      '$3 = 0xff\n',
      '$4 = 3\n',
      'Division by zero\n',
      '$5 = -1\n',
      '$6 = 0xffffffff\n',
      '$7 = -9223372036854775808\n',
      expect.stringMatching(/^\$8 = \{<text variable, no debug info>\} 0x[0-9a-f]+ <main>\n$/),
      expect.stringMatching(/^\$9 = \(<text variable, no debug info> \*\) 0x[0-9a-f]+ <main\+4>\n$/),
      expect.stringMatching(/^\$10 = \(<data variable, no debug info> \*\) 0x[0-9a-f]+ <total>\n$/),
      "'total' has unknown type; cast it to its declared type\n",
      '$11 = 0\n',
      '$12 = 1\n',
      '$13 = 1\n',
      '$14 = 0\n',
      '$15 = void\n',
      '$16 = 8\n',
      expect.stringMatching(/^\$17 = \(void \*\) 0x[0-9a-f]+\n$/),
      expect.stringMatching(/^\$18 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <main>\n$/),
      'No symbol "nosuch" in current context.\n',
      '42',
    ]);
  });

  it('x/Nfu: gdb formats and unit sizes', async () => {
    const { text } = await session(svcInputs, [
      'x/s banner',
      'x/2s banner',
      'x/8xb banner',
      'x/2c banner',
      'x/4dh banner',
      'x/2uw banner',
      'x/ow banner',
      'x/tb banner',
      'x/2zw banner',
      'x',
      'x/a square$__stub_ptr',
      'x/3i main',
      'x/q main',
    ]);
    const b = blocks(text).map((x) => x[1]);
    const at = /^(0x[0-9a-f]+) <banner>:/.exec(b[0] as string)?.[1] as string;
    const a = Number(at);
    const h = (n: number) => `0x${n.toString(16)}`;
    expect(b[0]).toBe(`${at} <banner>:\t"svc libc"\n`);
    expect(b[1]).toBe(`${at} <banner>:\t"svc libc"\n${h(a + 9)}:\t"main: %s, argc=%d\\n"\n`);
    expect(b[2]).toBe(`${at} <banner>:\t0x73\t0x76\t0x63\t0x20\t0x6c\t0x69\t0x62\t0x63\n`);
    expect(b[3]).toBe(`${at} <banner>:\t115 's'\t118 'v'\n`);
    expect(b[4]).toBe(`${at} <banner>:\t30323\t8291\t26988\t25442\n`);
    expect(b[5]).toBe(`${at} <banner>:\t543389299\t1667393900\n`);
    expect(b[6]).toBe(`${at} <banner>:\t04030673163\n`);
    expect(b[7]).toBe(`${at} <banner>:\t01110011\n`);
    expect(b[8]).toBe(`${at} <banner>:\t0x20637673\t0x6362696c\n`);
    // `x` alone goes on after the last unit, in the last format.
    expect(b[9]).toBe(`${h(a + 8)} <banner+8>:\t0x69616d00\n`);
    expect(b[10]).toMatch(/^0x[0-9a-f]+ <square\$__stub_ptr>:\t0x[0-9a-f]+ <trampoline square>\n$/);
    expect(b[11]).toMatch(
      /^ {3}0x[0-9a-f]+ <main>:\tstp\tx29, x30, \[sp, #-0x20\]!\n {3}0x[0-9a-f]+ <main\+4>:\tmov\tw2, w0\n {3}0x[0-9a-f]+ <main\+8>:\tadrp\tx0, /,
    );
    expect(b[12]).toBe('Undefined output format "q".\n');
  });

  it('until over the loop, advance, finish, display, disassemble, info symbol/sharedlibrary, kill, run again', async () => {
    const { text, status } = await session(svcInputs, [
      'break *main+0x58',
      'run',
      'delete',
      'until',
      'display/x $x19',
      'advance greet$orc_fnbody',
      'finish',
      'info display',
      'undisplay 1',
      'disassemble square$orc_fnbody',
      'info symbol square',
      'info symbol $pc',
      'info sharedlibrary',
      'kill',
      'info registers pc',
      'run',
    ]);
    expect(status).toBe(7);
    const b = blocks(text).map((x) => x[1]);
    expect(b[1]).toMatch(
      /\nBreakpoint 1, 0x[0-9a-f]{16} in main \(\)\n=> 0x[0-9a-f]+ <main\+88>:\tb\.ne\t0x[0-9a-f]+ <main\+60>\n$/,
    );
    // until does not go back into the loop: it stops after the branch once the loop is done.
    expect(b[3]).toMatch(/^0x[0-9a-f]{16} in main \(\)\n=> 0x[0-9a-f]+ <main\+92>:/);
    expect(b[4]).toBe('1: /x $x19 = 0x4\n');
    expect(b[5]).toMatch(
      /^0x[0-9a-f]{16} in greet\$orc_fnbody \(\)\n=> 0x[0-9a-f]+ <greet\$orc_fnbody>:\t.*\n1: \/x \$x19 = 0x4\n$/,
    );
    expect(b[6]).toMatch(
      /^Run till exit from #0 {2}0x[0-9a-f]{16} in greet\$orc_fnbody \(\)\ngreet: hello, again \(call 2\)\n0x[0-9a-f]{16} in main \(\)\n=> 0x[0-9a-f]+ <main\+108>:\tldr\tx1, \[x20\]\nValue returned in x0: \d+ \(0x[0-9a-f]+\)\n1: \/x \$x19 = 0x4\n$/,
    );
    expect(b[7]).toBe('Auto-display expressions now in effect:\nNum Enb Expression\n1:   y  /x $x19\n');
    expect(b[9]).toMatch(
      /^Dump of assembler code for function square\$orc_fnbody:\n {3}0x[0-9a-f]{16} <\+0>:\tmul\tx0, x0, x0\n {3}0x[0-9a-f]{16} <\+4>:\tret\nEnd of assembler dump.\n$/,
    );
    expect(b[10]).toBe(
      'square in section __orc_stubs of <indirect stubs graph #2> (JITDylib main): redirectable stub\n',
    );
    expect(b[11]).toBe('main + 108 in section .text of main.o (JITDylib main): code\n');
    expect(b[12]).toMatch(/^From {16}To {18}Syms Read {3}Shared Object Library\n/);
    expect(b[12]).toMatch(/^0x[0-9a-f]{16} {2}0x[0-9a-f]{16} {2}Yes {9}math\.o \(JITDylib main\)$/m);
    expect(b[13]).toBe('[Inferior 1 (process 1) killed]\n');
    expect(b[14]).toBe('The program is not being run.\n');
    expect(b[15]).toMatch(
      /^Starting program: .*\nmain: svc libc, argc=1\n(.*\n)*\[Inferior 1 \(process 1\) exited with code 07\]\n$/,
    );
  });

  it('a program killed by a fault: the stop, then the signal status', async () => {
    // `--abs` points greet at unmapped memory: the call faults.
    const { text, status } = await session(
      ['--abs', 'square=0x40', `${SVC}mlc.o`, `${SVC}main.o`, '-lazy', `${SVC}greet.o`],
      ['continue', 'continue'],
    );
    expect(status).toBe(139);
    expect(text).toContain('SIGSEGV');
  });
});

describe('debug: first call (the tutorial program)', () => {
  it("docs/tutorial-first-call.md's transcript blocks are the real output of its script", async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/tutorial-first-call.md', import.meta.url)), 'utf8');
    const commands = readFileSync(`${FIRST}../tutorial.commands`, 'utf8').split('\n');
    let text = '';
    // As in the tutorial, run from the objects' directory (argv[0] = "main.o" lands on the stack).
    const cwd = process.cwd();
    process.chdir(FIRST);
    try {
      await debugCommand(['--show-linked-files', 'main.o', '-lazy', 'greet.o'], {
        write: (s) => {
          text += s;
        },
        commands,
      });
    } finally {
      process.chdir(cwd);
    }
    const shown = [...doc.matchAll(/```\n([\s\S]*?)```/g)]
      .map((m) => m[1] as string)
      .filter((b) => b.startsWith('(orc)') || b.startsWith('Linking'));
    expect(shown.length).toBeGreaterThanOrEqual(8);
    for (const b of shown) expect(text).toContain(b);
  });
});

const demoInputs = [
  `${DEMO}main.o`,
  '-lazy',
  `${DEMO}greet.o`,
  '-lazy',
  `${DEMO}math.o`,
  `${DEMO}data.o`,
  '-lazy',
  `${DEMO}rarely.o`,
];

describe('debug: lazy-demo', () => {
  it('pending breakpoint on a body arms when its object links; bt, finish, events', async () => {
    const { text } = await session(demoInputs, ['b greet$orc_fnbody', 'info b', 'c', 'bt', 'fin', 'events', 'q']);
    const b = blocks(text);
    expect(b[0]?.[1]).toBe('Breakpoint 1 (greet$orc_fnbody) pending: not linked yet, armed when it gets an address\n');
    expect(b[1]?.[1]).toBe(
      'Num     Type           Disp Enb Address            What\n1       breakpoint     keep y   <PENDING>          greet$orc_fnbody\n',
    );
    expect(b[2]?.[1]).toMatch(
      /^main: counter=42, motto="link what you call, when you call it"\nBreakpoint 1 \(greet\$orc_fnbody\) armed at 0x[0-9a-f]+ \((.*\/)?greet\.o\)\n\nBreakpoint 1, greet \(\) at (.*\/)?greet\.c:8\n8\t {2}counter\+\+;\n/,
    );
    expect(b[3]?.[1]).toMatch(
      /^#0 {2}greet \(\) at (.*\/)?greet\.c:8\n#1 {2}0x[0-9a-f]{16} in main \(\) at (.*\/)?main\.c:14/,
    );
    expect(b[4]?.[1]).toMatch(
      /Run till exit .*\ngreet: hello, lazy world! \(call 1, counter=43\)\nmain \(\) at (.*\/)?main\.c:15\n15\t {2}greet\("again"\);\n/,
    );
    const ev = b[5]?.[1] as string;
    for (const o of [
      'reentry  trampoline',
      'lookup   greet$orc_fnbody',
      'link     greet.o',
      'redirect greet: pointer',
      'resume',
    ])
      expect(ev).toContain(o);
    expect(ev.indexOf('reentry  trampoline')).toBeLessThan(ev.indexOf('redirect greet'));
    expect(ev).toMatch(/reentry {2}trampoline 0x[0-9a-f]+ of greet, called from 0x[0-9a-f]+ <main\+60>/);
  });

  it('bt through the reentry routine reaches the original caller', async () => {
    const { text } = await session(demoInputs, [
      'break __orc_rt_resolve_implementation',
      'continue',
      'bt',
      'stepi 5',
      'bt',
      'quit',
    ]);
    for (const k of [2, 4]) {
      const lines = (blocks(text)[k]?.[1] as string).trim().split('\n');
      expect(lines[0]).toMatch(/^#0 .* in __orc_rt_resolve_implementation \(\) from orc-rt\/resolve\.o$/);
      expect(lines[1]).toMatch(
        /^#1 .* in __orc_rt_sysv_resolve \(\) from orc-rt\/sysv_resolve\.o {2}\[.*reentry routine/,
      );
      expect(lines[2]).toMatch(/^#2 .* in main \(\) at (.*\/)?main\.c:14$/);
      expect(lines[3]).toMatch(/^#3 .* in <return to host> \(\) from <host>$/);
    }
  });

  it('errors are gdb-like messages and the session goes on', async () => {
    const { text, status } = await session(demoInputs, [
      'break nosuch',
      'x/2gx 0x5',
      'x/0 main',
      'info registers',
      'frobnicate',
      'st',
      'delete 9',
      'info symbol 0x5',
      'continue',
      'info registers',
      'continue',
      'quit',
    ]);
    expect(status).toBe(0);
    const b = blocks(text).map((x) => x[1]);
    expect(b[0]).toBe('No symbol "nosuch" in any JITDylib (main, Platform, Process) or linked graph.\n');
    expect(b[1]).toBe('Cannot access memory at address 0x5\n');
    expect(b[2]).toBe('x/0: the count must be between 1 and 4096\n');
    expect(b[3]).toBe('The program is not being run.\n');
    expect(b[4]).toBe('Undefined command: "frobnicate".  Try "help".\n');
    expect(b[5]).toBe('Ambiguous command "st": step, stepi, start, stubs.\n');
    expect(b[6]).toBe('No breakpoint number 9.\n');
    expect(b[7]).toBe('No symbol matches 0x5.\n');
    expect(b[8]).toMatch(/\[Inferior 1 \(process 1\) exited normally\]\n$/);
    expect(b[9]).toBe('The program is not being run.\n');
    expect(b[10]).toBe('The program is not being run.\n');
  });
});

describe('debug: run options', () => {
  const inputs = [`${SVC}mlc.o`, `${SVC}main.o`, '-lazy', `${SVC}greet.o`, '-lazy', `${SVC}math.o`];
  it('--max-insns ends the run as run does (status 1), --noexec only links, --trace lazy traces', async () => {
    const budget = await session(['--max-insns', '500', ...inputs], ['continue']);
    expect(budget.status).toBe(1);
    expect(budget.text).toMatch(
      /\[program terminated: InstructionBudgetExceeded: instruction budget of 500 exhausted at pc 0x[0-9a-f]+\]\n$/,
    );
    const noexec = await session(['--noexec', '--show-linked-files', ...inputs], ['continue']);
    expect(noexec.status).toBe(0);
    expect(noexec.text).not.toContain('(orc)');
    expect(noexec.text).toContain('Linking main.o\n');
    const trace = await session(['--trace', 'lazy', '--seed', '3', ...inputs], ['continue']);
    expect(trace.status).toBe(7);
    expect(trace.text).toMatch(
      /^\[lazy\] trampoline 0x[0-9a-f]+: greet -> greet\$orc_fnbody \(JITDylib main\) resolved /m,
    );
  });
});
