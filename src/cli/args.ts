/** Small, strict argument parsing shared by the subcommands. */

export class CliError extends Error {
  override name = 'CliError';
}

/**
 * One command-line option. Every command declares its options as one table of these
 * (`Record<name, OptionSpec>`, the name is the long spelling without `--`); the same table drives
 * the parser (parseArgs), `--help` and docs/cli.md (src/cli/help.ts), so an option cannot be
 * parsed without being described. To add an option: add an entry to the command's table with a
 * `description` (and `valueName` when it takes a value), read it from `Parsed.options`, and run
 * `npm run docs:cli` to regenerate docs/cli.md (tests/cli/help.test.ts fails until you do).
 */
export interface OptionSpec {
  /** One line for --help and docs/cli.md: what the option does, its default. */
  description: string;
  /** Placeholder of the value in help and usage lines (e.g. `N`, `FILE`); implies nothing. */
  valueName?: string;
  /** Takes a value (`--seed 3` or `--seed=3`). */
  value?: boolean;
  /** May be given several times (values collected in order). */
  repeat?: boolean;
  /** Other spellings, e.g. `-lazy` for `--lazy`. */
  aliases?: string[];
}

/** A command's option table (see OptionSpec). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface Parsed {
  options: Map<string, string[]>;
  /** Positional arguments, each with the flags that applied to it (e.g. lazy). */
  positionals: { value: string; flags: Set<string> }[];
  /** Everything after `--`. */
  rest: string[];
}

/**
 * Parses argv against `spec`. Flags listed in `positionalMarkers` apply to the next positional
 * only (llvm-jitlink's `-lazy` semantics).
 */
export function parseArgs(argv: string[], spec: OptionTable, positionalMarkers: string[] = []): Parsed {
  const byName = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) {
    byName.set(`--${name}`, name);
    for (const a of s.aliases ?? []) byName.set(a, name);
  }
  const options = new Map<string, string[]>();
  const positionals: Parsed['positionals'] = [];
  let pending = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.indexOf('=');
      const key = eq > 0 ? arg.slice(0, eq) : arg;
      const name = byName.get(key);
      if (name === undefined) throw new CliError(`unknown option '${key}'`);
      const s = spec[name] as OptionSpec;
      let value = 'true';
      if (s.value) {
        if (eq > 0) value = arg.slice(eq + 1);
        else {
          const next = argv[i + 1];
          if (next === undefined) throw new CliError(`option '${key}' needs a value`);
          value = next;
          i++;
        }
      } else if (eq > 0) throw new CliError(`option '${key}' takes no value`);
      if (positionalMarkers.includes(name)) {
        pending.add(name);
        continue;
      }
      const list = options.get(name) ?? [];
      if (list.length > 0 && !s.repeat) throw new CliError(`option '${key}' given twice`);
      list.push(value);
      options.set(name, list);
      continue;
    }
    positionals.push({ value: arg, flags: pending });
    pending = new Set();
  }
  if (pending.size > 0) throw new CliError(`'${[...pending].join(', ')}' must be followed by an input`);
  return { options, positionals, rest: argv.slice(i) };
}

export function intOption(p: Parsed, name: string, fallback: number): number {
  const v = p.options.get(name)?.[0];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`--${name} expects a non-negative integer, got '${v}'`);
  return n;
}

export function flag(p: Parsed, name: string): boolean {
  return p.options.has(name);
}
