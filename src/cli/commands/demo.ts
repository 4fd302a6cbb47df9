/**
 * `orc-sandbox demo` (what `npm start` runs): the lazy-linking demo of examples/lazy-demo, run as
 *   npx orc-sandbox run --show-linked-files --trace lazy main.o -lazy greet.o -lazy math.o -lazy data.o -lazy rarely.o
 * from the committed objects (no compiler needed), followed by an explanation computed from the
 * session's observer events of this very run (what was linked when, which stubs were redirected).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrcSession } from '../../orc/session/session.ts';
import { CliError, type OptionTable, parseArgs } from '../args.ts';
import type { Command } from '../main.ts';
import { type RunCliOptions, runCommand } from './run.ts';

const OBJ_DIR = fileURLToPath(new URL('../../../examples/lazy-demo/obj/', import.meta.url));

export const DEMO_INPUTS: readonly { file: string; lazy: boolean }[] = [
  { file: 'main.o', lazy: false },
  { file: 'greet.o', lazy: true },
  { file: 'math.o', lazy: true },
  { file: 'data.o', lazy: true },
  { file: 'rarely.o', lazy: true },
];

/** What the demo's observer saw, in event order. */
export interface DemoEvents {
  /** Input objects linked before the program's first lazy reentry (eagerly, or because main needs their data). */
  linkedUpFront: string[];
  /** Every reentry: the stub's function, the objects its lookup linked, and the outcome. */
  reentries: { fn: string; linked: string[]; ok: boolean; error?: string }[];
  /** Stubs whose pointer the session redirected from trampoline to body. */
  redirected: number;
}

/** Subscribes to `session` and fills a DemoEvents (only the demo's input objects count as objects). */
export function watchDemo(session: OrcSession, inputs: readonly string[]): DemoEvents {
  const ev: DemoEvents = { linkedUpFront: [], reentries: [], redirected: 0 };
  let current: DemoEvents['reentries'][number] | null = null;
  session.observe({
    onObjectLinked({ name }) {
      if (!inputs.includes(name)) return;
      if (current) current.linked.push(name);
      else ev.linkedUpFront.push(name);
    },
    onLazyReentry(info) {
      current = { fn: info.name, linked: [], ok: true };
      ev.reentries.push(current);
    },
    onReentryResolved(record) {
      if (current && !record.result.ok) {
        current.ok = false;
        current.error = record.result.error;
      }
      current = null;
    },
    onPointerWrite(writes) {
      ev.redirected += writes.length;
    },
  });
  return ev;
}

const list = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/** The closing text: each sentence states something the events show. */
export function explainDemo(ev: DemoEvents, inputs: readonly { file: string; lazy: boolean }[]): string {
  const eager = inputs.filter((i) => !i.lazy).map((i) => i.file);
  const lazy = inputs.filter((i) => i.lazy).map((i) => i.file);
  const out = ['', 'What happened (computed from this run):'];
  out.push(
    `  * ${list(eager)} ${eager.length === 1 ? 'was' : 'were'} linked eagerly. ${list(lazy)} were given with -lazy:`,
    '    each of their functions became a 12-byte stub (adrp/ldr/br x16 through a pointer, "<indirect',
    '    stubs graph #n>") whose pointer first holds a reentry trampoline ("__orc_reentry_graph_#k").',
  );
  const upFrontLazy = ev.linkedUpFront.filter((f) => lazy.includes(f));
  if (upFrontLazy.length > 0)
    out.push(
      `  * ${list(upFrontLazy)} ${upFrontLazy.length === 1 ? 'was' : 'were'} linked before any call although given with -lazy: the`,
      '    eager code refers to data defined there, and only functions can wait behind a stub.',
    );
  const linkedByCall = new Set<string>();
  for (const r of ev.reentries) {
    if (!r.ok) {
      out.push(`  * The first call of ${r.fn}() re-entered the JIT and failed: ${r.error}`);
      continue;
    }
    if (r.linked.length > 0 && linkedByCall.size > 0) {
      for (const f of r.linked) linkedByCall.add(f);
      out.push(`  * The first call of ${r.fn}() likewise linked ${list(r.linked)} and pointed its stub at the body.`);
    } else if (r.linked.length > 0) {
      for (const f of r.linked) linkedByCall.add(f);
      out.push(
        `  * The first call of ${r.fn}() went stub -> trampoline -> __orc_rt_reenter (the emulated ORC`,
        `    runtime) -> the JIT: the thread parked while the host linked ${list(r.linked)}, pointed the stub at`,
        `    ${r.fn}'s body and answered its address; the runtime jumped there with the arguments restored.`,
      );
    } else
      out.push(
        `  * The first call of ${r.fn}() re-entered too, but its object was already linked: nothing was`,
        '    linked, the stub was just pointed at the body.',
      );
  }
  if (ev.reentries.length > 0)
    out.push(
      `  * ${ev.reentries.length} reentr${ev.reentries.length === 1 ? 'y' : 'ies'}, one per function called, and ${ev.redirected} stub pointer write${ev.redirected === 1 ? '' : 's'}: every later`,
      '    call went stub -> body directly, without a reentry ([lazy] lines on stderr list each reentry).',
    );
  const never = lazy.filter((f) => !linkedByCall.has(f) && !ev.linkedUpFront.includes(f));
  for (const f of never) {
    const hint = f === 'rarely.o' ? " (main calls rarely() when given an argument: 'demo -- x')" : '';
    out.push(`  * ${f} was never linked: none of its functions was called${hint}.`);
  }
  return `${out.join('\n')}\n`;
}

const OPTIONS: OptionTable = {
  engine: { value: true, valueName: 'ts|unicorn', description: 'emulator engine (default ts)' },
};

/** The demo with its output sinks (tests pass their own). */
export async function demoCommand(argv: string[], io: RunCliOptions = {}): Promise<number> {
  const write = io.write ?? ((s: string) => process.stdout.write(s));
  const p = parseArgs(argv, OPTIONS);
  if (p.positionals.length > 0)
    throw new CliError(`unexpected argument '${p.positionals[0]?.value}' (arguments for the program go after --)`);
  const engine = p.options.get('engine')?.[0] ?? 'ts';
  const inputs = DEMO_INPUTS.flatMap((i) => (i.lazy ? ['-lazy', `${OBJ_DIR}${i.file}`] : [`${OBJ_DIR}${i.file}`]));
  const cmdline = `npx orc-sandbox run --show-linked-files --trace lazy ${DEMO_INPUTS.map((i) => `${i.lazy ? '-lazy ' : ''}${i.file}`).join(' ')}`;
  const args = p.rest.length > 0 ? ` -- ${p.rest.join(' ')}` : '';
  write(`$ ${cmdline}${engine === 'ts' ? '' : ` --engine ${engine}`}${args}\n`);
  let events: DemoEvents | undefined;
  const status = await runCommand(
    ['--show-linked-files', '--trace', 'lazy', '--engine', engine, ...inputs, '--', ...p.rest],
    {
      ...io,
      displayName: (f) => basename(f),
      onSession: (s) => {
        events = watchDemo(
          s,
          DEMO_INPUTS.map((i) => i.file),
        );
        io.onSession?.(s);
      },
    },
  );
  write(`(exit status ${status})\n`);
  if (events) write(explainDemo(events, DEMO_INPUTS));
  return status;
}

export const command: Command = {
  summary: 'run the lazy-linking demo (examples/lazy-demo) with --show-linked-files --trace lazy',
  usage: 'orc-sandbox demo [--engine ts|unicorn] [-- args for the demo program]',
  description: `Runs the committed objects of examples/lazy-demo (no compiler needed): main.o eagerly, greet.o,
math.o, data.o and rarely.o lazily, then explains what happened from the session's events of this
run. Arguments after -- go to the program; with one, main also calls rarely().`,
  options: OPTIONS,
  examples: [
    { command: 'npx orc-sandbox demo', explanation: 'rarely.o is never linked' },
    { command: 'npx orc-sandbox demo -- x', explanation: 'main calls rarely(): rarely.o is linked on that call' },
    { command: 'npx orc-sandbox demo --engine unicorn', explanation: 'the same run on native Unicorn' },
  ],
  run: (argv) => demoCommand(argv),
};
