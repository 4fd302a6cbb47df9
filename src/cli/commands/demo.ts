/**
 * `orc-sandbox demo` (what `npm start` runs): the lazy-linking demo of examples/lazy-demo, run as
 *   orc-sandbox run --show-linked-files --trace lazy main.o -lazy greet.o -lazy math.o -lazy data.o -lazy rarely.o
 * from the committed objects (no compiler needed), followed by a short explanation.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../args.ts';
import type { Command } from '../main.ts';
import { runCommand } from './run.ts';

const OBJ_DIR = fileURLToPath(new URL('../../../examples/lazy-demo/obj/', import.meta.url));

export const DEMO_INPUTS: readonly { file: string; lazy: boolean }[] = [
  { file: 'main.o', lazy: false },
  { file: 'greet.o', lazy: true },
  { file: 'math.o', lazy: true },
  { file: 'data.o', lazy: true },
  { file: 'rarely.o', lazy: true },
];

const EXPLANATION = `
What happened:
  * main.o was linked eagerly. greet.o, math.o, data.o and rarely.o were given with -lazy: each of
    their functions f became a 12-byte stub (adrp/ldr/br x16 through a pointer, "<indirect stubs
    graph #n>") whose pointer first holds an 8-byte reentry trampoline ("__orc_reentry_graph_#k").
  * data.o was linked at once: main.o reads its data (counter, motto), and data keeps its name.
  * The first call of greet() entered its trampoline -> __orc_rt_reenter (the emulated ORC runtime)
    -> the JIT dispatch gate: the emulated thread parked while the host linked greet.o, pointed the
    stub at greet's body, and answered its address; the runtime then jumped to the body with every
    argument register restored ([lazy] lines on stderr: instructions spent and host time).
  * The second greet() call went stub -> body directly: no reentry. square() lives in math.o, which
    fib() had already linked: its first call re-entered once more but linked nothing.
  * rarely.o was never called, so it was never linked (run with an argument to call it).
`;

export const command: Command = {
  summary: 'run the lazy-linking demo (examples/lazy-demo) with --show-linked-files --trace lazy',
  usage: 'orc-sandbox demo [--engine ts|unicorn] [-- args for the demo program]',
  async run(argv) {
    const p = parseArgs(argv, { engine: { value: true } });
    const engine = p.options.get('engine')?.[0] ?? 'ts';
    const inputs = DEMO_INPUTS.flatMap((i) => (i.lazy ? ['-lazy', `${OBJ_DIR}${i.file}`] : [`${OBJ_DIR}${i.file}`]));
    const cmdline = `orc-sandbox run --show-linked-files --trace lazy ${DEMO_INPUTS.map((i) => `${i.lazy ? '-lazy ' : ''}${i.file}`).join(' ')}`;
    process.stdout.write(`$ ${cmdline}${engine === 'ts' ? '' : ` --engine ${engine}`}\n`);
    const status = await runCommand(
      ['--show-linked-files', '--trace', 'lazy', '--engine', engine, ...inputs, '--', ...p.rest],
      { displayName: (f) => basename(f) },
    );
    process.stdout.write(`(exit status ${status})\n${EXPLANATION}`);
    return status;
  },
};
