/**
 * Start-up of the `orc-sandbox` command against `node -e 0` in the same run (issue 13's targets:
 * --help and disasm <= 2x, exec hello.elf <= 3x, demo <= 4x). Uses dist/ when it is built and
 * fresh (`npm run build`), the tsx fallback otherwise. Run: `npx tsx benchmarks/startup.ts [--rounds N] [--json]`.
 */
import { formatStartup, measureStartup } from '../src/bench/startup.ts';

const argv = process.argv.slice(2);
const i = argv.indexOf('--rounds');
const rounds = i >= 0 ? Number(argv[i + 1]) : 10;
const rows = measureStartup(rounds);
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ startup: rows })}\n`);
else process.stdout.write(`${formatStartup(rows)}\n`);
