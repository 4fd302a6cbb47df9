/**
 * `orc-sandbox debug`: scripted sessions (transcripts) on the first-call fixture and on
 * examples/lazy-demo, on both engines; command parsing; pending breakpoints; bt through the
 * reentry routine; x/; info symbol; errors.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import { CommandError, parseCommand, resolveCommandName } from '../../src/debug/commands.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';

const FIRST = fileURLToPath(new URL('./fixtures/first-call/obj/', import.meta.url));
const DEMO = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));

async function session(
  inputs: string[],
  commands: string[],
  engine: EngineKind = 'ts',
): Promise<{ text: string; status: number }> {
  let text = '';
  const status = await debugCommand(['--engine', engine, ...inputs], {
    displayName: (f) => basename(f),
    write: (s) => {
      text += s;
    },
    writeErr: (s) => {
      text += s;
    },
    commands,
  });
  return { text, status };
}

const firstCall = (engine: EngineKind) =>
  session(
    [`${FIRST}main.o`, '-lazy', `${FIRST}greet.o`],
    ['break __orc_rt_sysv_resolve', 'continue', 'regs', 'step 3', 'stubs', 'continue', 'stubs', 'quit'],
    engine,
  );

/** The transcript split at each echoed command: [command, output][]. */
function blocks(text: string): [string, string][] {
  const parts = text.split(/^\(orc\) /m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return [p.slice(0, nl), p.slice(nl + 1)];
  });
}

function firstCallSuite(engine: EngineKind): void {
  it('stops in the reentry routine, shows x30 = T + 8 and the pointer before and after', async () => {
    const { text, status } = await firstCall(engine);
    expect(status).toBe(0);
    const b = blocks(text);
    expect(b.map((x) => x[0])).toEqual([
      'break __orc_rt_sysv_resolve',
      'continue',
      'regs',
      'step 3',
      'stubs',
      'continue',
      'stubs',
      'quit',
    ]);
    const [brk, cont1, regs, step3, stubs1, cont2, stubs2] = b.map((x) => x[1]) as string[];
    expect(brk).toMatch(/^Breakpoint 1 at 0x[0-9a-f]+ <__orc_rt_sysv_resolve> \(orc-rt\/sysv_resolve\.o\)\n$/);
    // Program output first, in order, then the stop.
    expect(cont1).toMatch(/^main: before the first call\nBreakpoint 1, 0x[0-9a-f]+ <__orc_rt_sysv_resolve>\n/);
    expect(cont1).toContain('<__orc_rt_sysv_resolve>:  sub sp, sp, #0x2d0');
    const note =
      /x30 = (0x[0-9a-f]+) = T \+ 8, .* so x30 - 8 = (0x[0-9a-f]+) = T: the trampoline of greet \(body greet\$orc_fnbody, JITDylib main\)/.exec(
        cont1,
      );
    expect(note).not.toBeNull();
    const x30 = Number(note?.[1]);
    const t = Number(note?.[2]);
    expect(x30 - 8).toBe(t);
    // regs shows x30 = T + 8 inside the trampoline.
    expect(regs).toMatch(new RegExp(`x30\\(lr\\)\\s+0x0*${x30.toString(16)}  <trampoline greet>\\+0x8`));
    expect(regs).toMatch(/pc\s+0x[0-9a-f]+ {2}<__orc_rt_sysv_resolve>/);
    expect(regs).toMatch(/^x0 {2}0x/m);
    expect(regs).toContain('nzcv');
    expect(step3).toMatch(/^=> 0x[0-9a-f]+ <__orc_rt_sysv_resolve\+0xc>: {2}stp x4, x5, \[sp, #0x20\]\n$/);
    // Before the resolution the alias's pointer holds the trampoline ...
    expect(stubs1).toMatch(
      new RegExp(
        `^greet +0x[0-9a-f]+ +0x[0-9a-f]+ +-> 0x${t.toString(16)} <trampoline greet> \\(not resolved yet\\)$`,
        'm',
      ),
    );
    // ... the program then runs to its end, output in order ...
    expect(cont2).toBe(
      'greet: hello, first call (n=1)\ngreet: hello, second call (n=2)\nmain: done\n[program exited with status 0]\n',
    );
    // ... and afterwards the body.
    expect(stubs2).toMatch(/^greet +0x[0-9a-f]+ +0x[0-9a-f]+ +-> 0x[0-9a-f]+ greet\$orc_fnbody \(redirected\)$/m);
  });
}

describe('debug: first call (ts engine)', () => firstCallSuite('ts'));
describeWithOracles(['unicorn'], 'debug: first call (unicorn engine)', () => {
  firstCallSuite('unicorn');
  it('gives the same transcript as the ts engine', async () => {
    expect((await firstCall('unicorn')).text).toBe((await firstCall('ts')).text);
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
    expect(b[1]?.[1]).toBe('1  <pending> greet$orc_fnbody  hits 0\n');
    const cont = b[2]?.[1] as string;
    expect(cont).toMatch(
      /^main: counter=42, motto="link what you call, when you call it"\nBreakpoint 1 \(greet\$orc_fnbody\) armed at 0x[0-9a-f]+ \(greet\.o\)\nBreakpoint 1, 0x[0-9a-f]+ <greet\$orc_fnbody>\n/,
    );
    expect(b[3]?.[1]).toMatch(
      /^#0 {2}0x[0-9a-f]{16} in greet\$orc_fnbody \(greet\.o\)\n#1 {2}0x[0-9a-f]{16} in main\+0x40 \(main\.o\)/,
    );
    expect(b[4]?.[1]).toMatch(
      /Run till exit .*\ngreet: hello, lazy world! \(call 1, counter=43\)\nReturned to 0x[0-9a-f]+ <main\+0x40>/,
    );
    const ev = b[5]?.[1] as string;
    const order = [
      'reentry  trampoline',
      'lookup   greet$orc_fnbody',
      'link     greet.o',
      'redirect greet: pointer',
      'resume',
    ];
    let at = -1;
    for (const o of order) {
      const i = ev.indexOf(o, at + 1);
      expect(i, o).toBeGreaterThan(at);
      at = i;
    }
    expect(ev).toMatch(/reentry {2}trampoline 0x[0-9a-f]+ of greet, called from 0x[0-9a-f]+ <main\+0x3c>/);
  });

  it('bt through the reentry routine reaches the original caller', async () => {
    const { text } = await session(demoInputs, [
      'break __orc_rt_resolve_implementation',
      'continue',
      'bt',
      'step 5',
      'bt',
      'quit',
    ]);
    for (const [k, at] of [
      [2, '0x0'],
      [4, '0x14'],
    ] as const) {
      const bt = blocks(text)[k]?.[1] as string;
      const lines = bt.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(`^#0 .* in __orc_rt_resolve_implementation(\\+${at})? \\(orc-rt/resolve\\.o\\)$`),
      );
      expect(lines[1]).toMatch(
        /^#1 .* in __orc_rt_sysv_resolve\+0x84 \(orc-rt\/sysv_resolve\.o\) {2}\[.*reentry routine/,
      );
      expect(lines[2]).toMatch(/^#2 .* in main\+0x40 \(main\.o\)$/);
      expect(lines[3]).toMatch(/^#3 .* in <return to host> \(host\)$/);
    }
  });

  it('bt at the routine entry shows the trampoline and the caller', async () => {
    const { text } = await session(demoInputs, ['break __orc_rt_reenter', 'continue', 'bt', 'quit']);
    const b = blocks(text);
    expect(b[0]?.[1]).toMatch(/^Breakpoint 1 at 0x[0-9a-f]+ <__orc_rt_sysv_resolve>/);
    const lines = (b[2]?.[1] as string).trim().split('\n');
    expect(lines[1]).toMatch(/^#1 .* in <trampoline greet>\+0x8 \(__orc_reentry_graph\) {2}\[the trampoline/);
    expect(lines[2]).toMatch(/^#2 .* in main\+0x40 \(main\.o\) {2}\[caller/);
  });

  it('x/N, info symbol, stubs and trampolines', async () => {
    const { text } = await session(demoInputs, [
      'x/1 greet$__stub_ptr',
      'info symbol greet$__stub_ptr',
      'info symbol greet+4',
      'trampolines',
      'break greet',
      'continue',
      'x/2 $sp',
      'next',
      'quit',
    ]);
    const b = blocks(text).map((x) => x[1]);
    expect(b[0]).toMatch(/^0x[0-9a-f]+ <greet\$__stub_ptr>: {2}0x[0-9a-f]{16} {2}-> <trampoline greet>\n$/);
    expect(b[1]).toMatch(
      /^greet\$__stub_ptr in section __orc_stub_ptrs of <indirect stubs graph #1> \(JITDylib main\): stub pointer\n$/,
    );
    expect(b[2]).toMatch(
      /^greet \+ 4 in section __orc_stubs of <indirect stubs graph #1> \(JITDylib main\): redirectable stub\n$/,
    );
    expect(b[3]).toMatch(/^0x[0-9a-f]+ +greet +greet\$orc_fnbody +main +0$/m);
    expect(b[3]).toMatch(/each: stp x29, x30, \[sp, #-0x10\]! ; bl 0x[0-9a-f]+ <__orc_rt_sysv_resolve>/);
    expect(b[5]).toMatch(
      /Breakpoint 1, 0x[0-9a-f]+ <greet>\n=> 0x[0-9a-f]+ <greet>: {2}adrp x16, 0x[0-9a-f]+ <greet\$__stub_ptr>/,
    );
    expect(b[6]?.split('\n')).toHaveLength(3);
    expect(b[7]).toMatch(/^=> 0x[0-9a-f]+ <greet\+0x4>: {2}ldr x16, \[x16\]\n$/);
  });

  it('errors are clear messages and the session goes on', async () => {
    const { text } = await session(demoInputs, [
      'break nosuch',
      'x/2 0x5',
      'x/0 main',
      'regs',
      'frobnicate',
      'st',
      'delete 9',
      'info symbol 0x5',
      'continue',
      'regs',
      'continue',
      'quit',
    ]);
    const b = blocks(text).map((x) => x[1]);
    expect(b[0]).toBe("error: no symbol 'nosuch' in any JITDylib (main, Platform, Process) or linked graph\n");
    expect(b[1]).toBe('error: x: cannot read 16 bytes at 0x5: not mapped\n');
    expect(b[2]).toBe('error: x/0: the count must be between 1 and 4096\n');
    expect(b[3]).toBe("error: the program has not started yet (use 'continue' or 'step')\n");
    expect(b[4]).toBe("error: unknown command 'frobnicate' (try 'help')\n");
    expect(b[5]).toBe("error: ambiguous command 'st': step, stubs\n");
    expect(b[6]).toBe('error: no breakpoint number 9\n');
    expect(b[7]).toBe('No symbol matches 0x5.\n');
    expect(b[8]).toMatch(/\[program exited with status 0\]\n$/);
    expect(b[9]).toBe('error: the program is not running (it has exited)\n');
    expect(b[10]).toBe('error: the program is not running (it has exited)\n');
  });
});

describe('debug: command parsing', () => {
  it('resolves unique prefixes and gdb short forms', () => {
    expect(resolveCommandName('b')).toBe('break');
    expect(resolveCommandName('c')).toBe('continue');
    expect(resolveCommandName('s')).toBe('step');
    expect(resolveCommandName('n')).toBe('next');
    expect(resolveCommandName('bt')).toBe('bt');
    expect(resolveCommandName('x')).toBe('x');
    expect(resolveCommandName('tr')).toBe('trampolines');
    expect(resolveCommandName('stu')).toBe('stubs');
    expect(resolveCommandName('ev')).toBe('events');
    expect(resolveCommandName('fin')).toBe('finish');
    expect(resolveCommandName('re')).toBe('regs');
    expect(resolveCommandName('QUIT')).toBe('quit');
    expect(() => resolveCommandName('st')).toThrow(CommandError);
    expect(() => resolveCommandName('zzz')).toThrow(/unknown command 'zzz'/);
  });

  it('parses arguments and x/N', () => {
    expect(parseCommand('  x/4 greet$__stub_ptr ')).toMatchObject({ name: 'x', count: 4, args: ['greet$__stub_ptr'] });
    expect(parseCommand('x $sp')).toMatchObject({ name: 'x', count: undefined, args: ['$sp'] });
    expect(parseCommand('step 3')).toMatchObject({ name: 'step', args: ['3'] });
    expect(parseCommand('regs fp')).toMatchObject({ name: 'regs', args: ['fp'] });
    expect(parseCommand('')).toBeUndefined();
    expect(parseCommand('# comment')).toBeUndefined();
    expect(() => parseCommand('step/2')).toThrow(/only follows x/);
    expect(() => parseCommand('x/abc 0')).toThrow(/count must be a positive number/);
  });
});

describe('debug: the tutorial', () => {
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
    expect(shown.length).toBe(8);
    for (const b of shown) expect(text).toContain(b);
  });
});
