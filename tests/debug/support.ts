/** Scripted `orc-sandbox debug` sessions for the tests of tests/debug. */
import { basename } from 'node:path';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import type { EngineKind } from '../../src/emu/engine.ts';

/** Runs `debug --engine ENGINE INPUTS` with the commands; transcript (all output) and status. */
export async function session(
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

/** The transcript split at each echoed command: [command, output][]. */
export function blocks(text: string): [string, string][] {
  const parts = text.split(/^\(orc\) /m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return [p.slice(0, nl), p.slice(nl + 1)];
  });
}
