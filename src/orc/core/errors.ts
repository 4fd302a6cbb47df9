/**
 * Typed ORC errors. Each carries the data a caller needs (symbol names, definers, JITDylib names)
 * as fields, and a message that names them, so that nothing has to parse message text.
 */

const list = (names: Iterable<string>): string => [...names].join(', ');

export class OrcError extends Error {
  override name = 'OrcError';
}

/**
 * A strong definition met an existing strong one (or a weak one that was already searched).
 * `existingDefiner` / `newDefiner` name the definers (for objects: the object file names).
 */
export class DuplicateDefinition extends OrcError {
  override name = 'DuplicateDefinition';
  constructor(
    readonly symbol: string,
    readonly existingDefiner: string,
    readonly newDefiner: string,
    readonly jitDylib = '',
  ) {
    super(
      `In ${newDefiner}, duplicate definition of symbol '${symbol}' (already defined in ${existingDefiner}${
        jitDylib ? `, JITDylib '${jitDylib}'` : ''
      })`,
    );
  }
}

/** Required symbols that no JITDylib in the search order (nor any generator) defines. */
export class SymbolsNotFound extends OrcError {
  override name = 'SymbolsNotFound';
  readonly symbols: string[];
  constructor(symbols: Iterable<string>) {
    const s = [...symbols];
    super(`Symbols not found: [ ${list(s)} ]`);
    this.symbols = s;
  }
}

/** JITDylib name → names of symbols, in a stable order. */
export type SymbolDependenceNames = Map<string, string[]>;

function depMapText(m: SymbolDependenceNames): string {
  return `{ ${[...m].map(([jd, names]) => `(${jd}, { ${list(names)} })`).join(', ')} }`;
}

/** ` (root cause: …)` for the messages of `causes` (distinct ones, in order), or ''. */
function causesText(causes: Error[]): string {
  const msgs = [...new Set(causes.map((c) => c.message))];
  if (msgs.length === 0) return '';
  return ` (root cause${msgs.length > 1 ? 's' : ''}: ${msgs.join('; ')})`;
}

/**
 * Symbols failed to materialize: either their materializer failed, or they depended (for their
 * emission) on a symbol that failed. `symbols` maps each JITDylib name to the failed symbols;
 * `causes` carries the reasons when known: the materializer's error, or, for symbols that failed
 * because a dependency failed, the root cause(s) of that dependency's failure.
 */
export class FailedToMaterialize extends OrcError {
  override name = 'FailedToMaterialize';
  constructor(
    readonly symbols: SymbolDependenceNames,
    readonly causes: Error[] = [],
  ) {
    super(
      `Failed to materialize symbols: ${depMapText(symbols)}${
        causes.length > 0 ? `: ${[...new Set(causes.map((c) => c.message))].join('; ')}` : ''
      }`,
    );
  }
  /** Every failed symbol name (all JITDylibs). */
  allSymbols(): string[] {
    return [...this.symbols.values()].flat();
  }
}

/**
 * notifyResolved/notifyEmitted met a dependency that has already failed (or was removed).
 * `rootCauses` are the errors that made those dependencies fail in the first place (e.g. the
 * dependency's object could not be linked because a symbol it needs is missing), however long the
 * chain of failed dependencies in between; their messages end this error's message.
 */
export class UnsatisfiedSymbolDependencies extends OrcError {
  override name = 'UnsatisfiedSymbolDependencies';
  constructor(
    readonly jitDylib: string,
    readonly symbols: string[],
    readonly badDependencies: SymbolDependenceNames,
    readonly explanation: string,
    readonly rootCauses: Error[] = [],
  ) {
    super(
      `In ${jitDylib}, symbols { ${list(symbols)} } have unsatisfied dependencies ${depMapText(badDependencies)}: ${explanation}${causesText(rootCauses)}`,
    );
  }
}

/**
 * The errors at the origin of `e`: an error raised because dependencies had failed
 * (UnsatisfiedSymbolDependencies, FailedToMaterialize with causes — found directly or through
 * `cause` links such as ObjectLinkingFailed's) stands for the root causes it carries; any other
 * error is its own root cause.
 */
export function rootCausesOf(e: Error): Error[] {
  const seen = new Set<unknown>();
  for (let c: unknown = e; c instanceof Error && !seen.has(c); c = (c as { cause?: unknown }).cause) {
    seen.add(c);
    if (c instanceof UnsatisfiedSymbolDependencies && c.rootCauses.length > 0) return c.rootCauses;
    if (c instanceof FailedToMaterialize && c.causes.length > 0) return distinctErrors(c.causes.flatMap(rootCausesOf));
  }
  return [e];
}

/** `errors` without repeats (same object or same message), in order. */
export function distinctErrors(errors: Iterable<Error>): Error[] {
  const out: Error[] = [];
  const msgs = new Set<string>();
  for (const e of errors) {
    if (msgs.has(e.message)) continue;
    out.push(e);
    msgs.add(e.message);
  }
  return out;
}

/** The resource tracker was removed (or transferred away): its MRs and defines are refused. */
export class ResourceTrackerDefunct extends OrcError {
  override name = 'ResourceTrackerDefunct';
  constructor(readonly key: number) {
    super(`Resource tracker ${key} became defunct`);
  }
}

/** A materializer (e.g. a linked object) did not define symbols its responsibility covers. */
export class MissingSymbolDefinitions extends OrcError {
  override name = 'MissingSymbolDefinitions';
  readonly symbols: string[];
  constructor(
    readonly moduleName: string,
    symbols: Iterable<string>,
  ) {
    const s = [...symbols];
    super(`Missing definitions in module ${moduleName}: [ ${list(s)} ]`);
    this.symbols = s;
  }
}

/** A materializer defined symbols its responsibility does not cover. */
export class UnexpectedSymbolDefinitions extends OrcError {
  override name = 'UnexpectedSymbolDefinitions';
  readonly symbols: string[];
  constructor(
    readonly moduleName: string,
    symbols: Iterable<string>,
  ) {
    const s = [...symbols];
    super(`Unexpected definitions in module ${moduleName}: [ ${list(s)} ]`);
    this.symbols = s;
  }
}

/** Several errors at once (e.g. from resource managers during removal). */
export class OrcErrorList extends OrcError {
  override name = 'OrcErrorList';
  constructor(readonly errors: Error[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Misuse of the API (a bug in the caller), e.g. resolving a symbol twice. */
export class OrcUsageError extends OrcError {
  override name = 'OrcUsageError';
}

export function joinErrors(errors: Error[]): Error | undefined {
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  return new OrcErrorList(errors);
}
