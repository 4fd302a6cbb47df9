/** `orc-sandbox run` (runCommand, the CLI's code path) in process or with `--executor worker`. */
import { runCommand } from '../../src/cli/commands/run.ts';

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

/** Runs the command; a thrown error is reported as the CLI does (main.ts: name, message, status 1). */
export async function runCli(
  args: string[],
  options: { stdin?: Uint8Array | undefined; displayName?: (f: string) => string } = {},
): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  let status: number;
  try {
    status = await runCommand(args, {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin: options.stdin ?? new Uint8Array(0),
      ...(options.displayName ? { displayName: options.displayName } : {}),
    });
  } catch (e) {
    stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    status = 1;
  }
  // Host time differs between runs (--trace lazy).
  return { stdout, stderr: stderr.replace(/host \d+ us/g, 'host N us'), status };
}
