/** `main(argv)` of the CLI with process.stdout captured: its status and what it printed. */
import { main } from '../../src/cli/main.ts';

export async function mainCapturingStdout(argv: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { status: await main(argv), out };
  } finally {
    process.stdout.write = write;
  }
}
