/**
 * The C program corpus as data for tests: each program's binary, arguments, stdin and the
 * stdout / exit status qemu-aarch64 produced (committed by build.sh).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export interface CorpusProgram {
  name: string;
  /** Path relative to CORPUS_DIR, also used as argv[0] (as build.sh runs qemu). */
  argv0: string;
  elf: Uint8Array;
  args: string[];
  stdin: Uint8Array;
  expectedStdout: Uint8Array;
  expectedStatus: number;
}

export function corpusPrograms(): CorpusProgram[] {
  const names = readdirSync(join(CORPUS_DIR, 'expected'))
    .filter((f) => f.endsWith('.status'))
    .map((f) => f.slice(0, -'.status'.length))
    .sort();
  return names.map((name) => {
    const argsFile = join(CORPUS_DIR, 'args', `${name}.args`);
    const stdinFile = join(CORPUS_DIR, 'stdin', `${name}.in`);
    let args: string[] = [];
    if (existsSync(argsFile)) {
      const text = readFileSync(argsFile, 'utf8');
      args = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    }
    return {
      name,
      argv0: `bin/${name}.elf`,
      elf: new Uint8Array(readFileSync(join(CORPUS_DIR, 'bin', `${name}.elf`))),
      args,
      stdin: existsSync(stdinFile) ? new Uint8Array(readFileSync(stdinFile)) : new Uint8Array(0),
      expectedStdout: new Uint8Array(readFileSync(join(CORPUS_DIR, 'expected', `${name}.out`))),
      expectedStatus: Number(readFileSync(join(CORPUS_DIR, 'expected', `${name}.status`), 'utf8').trim()),
    };
  });
}

/**
 * Programs that need the ELF image of an executable (`__ehdr_start`, the auxiliary vector): `run`
 * cannot link them from their objects and must fail naming the symbol.
 */
export const ELF_IMAGE_PROGRAMS: ReadonlySet<string> = new Set(['hello', 'pie']);

/** Programs that end on a fatal signal under qemu: the message `run` must print. */
export const SIGNAL_MESSAGES: Readonly<Record<string, RegExp>> = {
  segv: /^orc-sandbox run: program killed by SIGSEGV \(status 139\): unmapped write fault at 0x0 \(size 4\) by instruction at 0x[0-9a-f]+\n$/,
  trap: /^orc-sandbox run: program killed by SIGTRAP \(status 133\): breakpoint instruction \(brk\) at 0x[0-9a-f]+\n$/,
};

export function asmProgram(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, 'asm', 'bin', `${name}.elf`)));
}
