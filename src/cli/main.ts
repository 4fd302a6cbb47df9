/**
 * `orc-sandbox` entry point: a table of subcommands, each in its own module under commands/,
 * loaded only when used (so `exec` does not pay for the linker, etc.).
 */
import { CliError } from './args.ts';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

// Each subcommand registers one line here (keep alphabetical).
const COMMANDS: Record<string, () => Promise<Command>> = {
  bench: async () => (await import('./commands/bench.ts')).command,
  debug: async () => (await import('./commands/debug.ts')).command,
  demo: async () => (await import('./commands/demo.ts')).command,
  disasm: async () => (await import('./commands/disasm.ts')).command,
  exec: async () => (await import('./commands/exec.ts')).command,
  'fuzz-isa': async () => (await import('./commands/fuzz-isa.ts')).command,
  'fuzz-lazy': async () => (await import('./commands/fuzz-lazy.ts')).command,
  link: async () => (await import('./commands/link.ts')).command,
  run: async () => (await import('./commands/run.ts')).command,
  serve: async () => (await import('./commands/serve.ts')).command,
};

async function help(): Promise<string> {
  const lines = ['usage: orc-sandbox <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    try {
      const c = await load();
      lines.push(`  ${name.padEnd(10)} ${c.summary}`);
      lines.push(`  ${' '.repeat(10)} ${c.usage}`);
    } catch {
      lines.push(`  ${name.padEnd(10)} (not available in this build)`);
    }
  }
  lines.push('', "Run 'orc-sandbox <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`orc-sandbox: unknown command '${name}'\n${await help()}\n`);
    return 2;
  }
  let command: Command;
  try {
    command = await load();
  } catch (e) {
    process.stderr.write(`orc-sandbox: command '${name}' is not available: ${(e as Error).message}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`orc-sandbox ${name}: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`orc-sandbox ${name}: ${err.name}: ${err.message}\n`);
    return 1;
  }
}
