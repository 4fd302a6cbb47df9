/**
 * `orc-sandbox run ARGS` in a directory, through the command's code path (runCommand) in this
 * process instead of a new `node bin/orc-sandbox.js` (about 0.4 s of CPU per start, for tests
 * about what `run` links and prints rather than about the process). Inputs named relative to `dir`
 * are read from there and shown as the command run in `dir` shows them; a thrown error is reported
 * as the CLI's main reports it (a usage error: status 2; anything else: its name, status 1).
 */
import { join } from 'node:path';
import { CliError } from '../../src/cli/args.ts';
import { runCommand } from '../../src/cli/commands/run.ts';

export interface RunOutcome {
  status: number;
  stdout: string;
  stderr: string;
}

const isInput = (a: string) => /\.(o|a)$/.test(a) && !a.startsWith('-');

export async function runInDir(dir: string, args: string[], stdin = new Uint8Array(0)): Promise<RunOutcome> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  const argv = [...own.map((a) => (isInput(a) ? join(prefix, a) : a)), ...(end < 0 ? [] : args.slice(end))];
  let stdout = '';
  let stderr = '';
  let status: number;
  try {
    status = await runCommand(argv, {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin,
      displayName: (f) => (f.startsWith(prefix) ? f.slice(prefix.length) : f),
    });
  } catch (e) {
    if (e instanceof CliError) {
      stderr += `orc-sandbox run: ${e.message}\n`;
      status = 2;
    } else {
      stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
      status = 1;
    }
  }
  return { status, stdout, stderr };
}
