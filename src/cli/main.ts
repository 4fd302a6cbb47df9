/**
 * `orc-sandbox` entry point: a table of subcommands, each in its own module under commands/,
 * loaded only when used (so `disasm` does not pay for the linker, `exec` not for the ORC layer).
 * `--help` and `--version` load no command module in the compiled build: the build writes every
 * command's summary and usage, and the package version, to cli-manifest.json beside this file.
 */
import { readFileSync } from 'node:fs';
import { tuneV8ForTranslation } from '../emu/ts/v8-tiering.ts';
import { CliError, type OptionTable } from './args.ts';
import { commandHelp } from './help.ts';

/** One example of a command line, as a user types it after `npm install orc-sandbox`. */
export interface CommandExample {
  command: string;
  explanation: string;
}

/**
 * A subcommand. `options` is the one table its parser, its `--help` and docs/cli.md all use
 * (see OptionSpec in args.ts for how to add an option).
 */
export interface Command {
  /** One line: what the command does. */
  summary: string;
  /** Synopsis, one form per line, starting with `orc-sandbox NAME`. */
  usage: string;
  /** Paragraphs after the synopsis: operands, exit status, what the output means. */
  description?: string;
  options: OptionTable;
  examples: readonly CommandExample[];
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
  'fuzz-merge': async () => (await import('./commands/fuzz-merge.ts')).command,
  link: async () => (await import('./commands/link.ts')).command,
  run: async () => (await import('./commands/run.ts')).command,
  serve: async () => (await import('./commands/serve.ts')).command,
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

export interface CommandInfo {
  name: string;
  summary: string;
  usage: string;
}

/** What cli-manifest.json holds (written by bin/build.js from describeCommands()). */
export interface CliManifest {
  version: string;
  commands: CommandInfo[];
}

/** Every command's definition, in COMMAND_NAMES order (docs/cli.md; throws when one cannot load). */
export async function loadCommands(): Promise<{ name: string; command: Command }[]> {
  const out: { name: string; command: Command }[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) out.push({ name, command: await load() });
  return out;
}

/** Loads every command module: for the build's manifest, and for help in a source checkout. */
export async function describeCommands(): Promise<CommandInfo[]> {
  const out: CommandInfo[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) {
    try {
      const c = await load();
      out.push({ name, summary: c.summary, usage: c.usage });
    } catch {
      out.push({ name, summary: '(not available in this build)', usage: '' });
    }
  }
  return out;
}

function readManifest(): CliManifest | null {
  try {
    return JSON.parse(readFileSync(new URL('./cli-manifest.json', import.meta.url), 'utf8')) as CliManifest;
  } catch {
    return null;
  }
}

/** The package's version (package.json at the repository or package root). */
export function packageVersion(): string {
  const manifest = readManifest();
  if (manifest) return manifest.version;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function help(): Promise<string> {
  const commands = readManifest()?.commands ?? (await describeCommands());
  const lines = ['usage: orc-sandbox <command> [options]', '       orc-sandbox --version', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push(
    '',
    "Run 'orc-sandbox <command> --help' for a command's options and examples (all of them: docs/cli.md).",
    'Start with: npx orc-sandbox demo',
  );
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`orc-sandbox ${packageVersion()}\n`);
    return 0;
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
  const end = rest.indexOf('--');
  const own = end < 0 ? rest : rest.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(commandHelp(name, command));
    return 0;
  }
  // The CLI owns its process: set V8 up for the ts engine's translated code before any runs.
  tuneV8ForTranslation();
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
