/**
 * The CLI debugger: gdb's commands and output shapes over the debug control layer (control.ts),
 * plus the ORC views (stubs, trampolines, the lazy event log) and notes that explain what the
 * lazy-linking machinery is doing at a stop. It renders text only: stepping, breakpoints,
 * symbolisation and the stub table live in control.ts (shared with the web page).
 *
 * Differences from gdb, on purpose: `break SYMBOL` stops at the symbol's first instruction (no
 * prologue skipping: the reentry routine's first instruction is the interesting one); each stop
 * also shows the current instruction (as `display/i $pc` would); `step`/`next` are stepi/nexti
 * (there is no line information).
 */
import {
  CommandError,
  countArg,
  helpText,
  type ParsedCommand,
  parseCommand,
  resolveInfoSubcommand,
} from './commands.ts';
import {
  type Action,
  type Breakpoint,
  type DebugControl,
  DebugError,
  type DebugEvent,
  type StopReason,
} from './control.ts';
import { ExprError, evaluateForPrint, formatValue, parseExpr, type Value } from './expr.ts';
import {
  cpsrText,
  FormatError,
  formatUnit,
  fpcrText,
  fpsrText,
  lineLabel,
  parseExamineSpec,
  perLine,
  registerLine,
  stringText,
  type Unit,
} from './format.ts';
import { trampolineName } from './symbols.ts';
import type { DebugRegisters } from './target.ts';

export interface DebuggerOptions {
  /** Receives every line the debugger prints (program output goes through the session's sinks). */
  write: (s: string) => void;
  /** argv[0] and arguments, for `Starting program:`. */
  argv?: string[];
  /** Reads a source file named by the DWARF (relative paths from the working directory); undefined if unreadable. */
  readSource?: (path: string) => string | undefined;
}

interface Display {
  id: number;
  expr: string;
  format: string | undefined;
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;
const hex16 = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0')}`;
const angle = (s: string): string => (s.startsWith('<') ? s : `<${s}>`);

const SIGNALS: Record<number, [string, string]> = {
  2: ['SIGINT', 'Interrupt'],
  4: ['SIGILL', 'Illegal instruction'],
  5: ['SIGTRAP', 'Trace/breakpoint trap'],
  6: ['SIGABRT', 'Aborted'],
  7: ['SIGBUS', 'Bus error'],
  8: ['SIGFPE', 'Arithmetic exception'],
  11: ['SIGSEGV', 'Segmentation fault'],
};
const signalText = (n: number): string => {
  const s = SIGNALS[n];
  return s ? `${s[0]}, ${s[1]}` : `signal ${n}`;
};

export class Debugger {
  private readonly write: (s: string) => void;
  private readonly displays: Display[] = [];
  private nextDisplay = 1;
  private lastExamine: { letter: string; unit: Unit; next: number | undefined } = {
    letter: 'x',
    unit: 4,
    next: undefined,
  };

  constructor(
    readonly control: DebugControl,
    private readonly options: DebuggerOptions,
  ) {
    this.write = options.write;
    control.observe({
      onArmed: (bp, s) => {
        if (bp.address === undefined) return;
        this.out(`Breakpoint ${bp.id} (${bp.spec}) armed at ${hex(bp.address)}${s ? ` (${s.graph})` : ''}`);
      },
    });
  }

  private out(s: string): void {
    this.write(s.endsWith('\n') ? s : `${s}\n`);
  }

  /**
   * The program's exit status once it has exited (a fault: 128 + signal); 1 when the run ended in
   * an error (an instruction budget exhausted, a failed link), as `run` ends then.
   */
  get exitStatus(): number | undefined {
    return this.control.last?.kind === 'error' ? 1 : this.control.exitStatus;
  }

  /** Executes one command line; answers false for `quit`. Errors print a message, never throw. */
  async execute(line: string): Promise<boolean> {
    let cmd: ParsedCommand | undefined;
    try {
      cmd = parseCommand(line);
      if (!cmd) return true;
      return await this.run(cmd);
    } catch (e) {
      if (e instanceof CommandError || e instanceof DebugError || e instanceof ExprError || e instanceof FormatError)
        this.out(e.message);
      else this.out(`error: ${(e as Error).name}: ${(e as Error).message}`);
      return true;
    }
  }

  private async run(cmd: ParsedCommand): Promise<boolean> {
    const a = cmd.args;
    const c = this.control;
    switch (cmd.name) {
      case 'quit':
        return false;
      case 'help':
        this.out(helpText());
        return true;
      case 'break':
      case 'tbreak':
        await this.cmdBreak(cmd.rest, cmd.name === 'tbreak');
        return true;
      case 'watch':
      case 'rwatch':
      case 'awatch': {
        const kind = cmd.name === 'watch' ? 'write' : cmd.name === 'rwatch' ? 'read' : 'access';
        const bp = await c.addWatchpoint(cmd.rest, kind);
        this.out(`${watchTitle(bp)} ${bp.id}: ${bp.spec}`);
        return true;
      }
      case 'delete':
        c.deleteBreakpoints(a.length === 0 ? undefined : a.map(breakpointNumber));
        return true;
      case 'continue':
        await this.go({ kind: 'continue' });
        return true;
      case 'step':
      case 'next':
        await this.sourceStep(cmd.name === 'next', countArg(a, 1, cmd.name));
        return true;
      case 'stepi':
        await this.go({ kind: 'stepi', count: countArg(a, 1, 'stepi') });
        return true;
      case 'nexti':
        await this.go({ kind: 'nexti', count: countArg(a, 1, 'nexti') });
        return true;
      case 'list':
        this.cmdList(cmd.rest);
        return true;
      case 'finish': {
        c.requireStopped();
        const frames = await c.backtrace(2);
        const pc = (frames[0] as { pc: number }).pc;
        const ret = frames[1];
        if (ret && ret.pc !== c.session.bootstrap.returnSentinel)
          this.out(`Run till exit from #0  ${this.frameLine(pc)}`);
        await this.go({ kind: 'finish' });
        return true;
      }
      case 'until':
        c.requireStopped();
        await this.go({ kind: 'until', address: cmd.rest === '' ? undefined : await this.location(cmd.rest) });
        return true;
      case 'advance':
        c.requireStopped();
        if (cmd.rest === '') throw new CommandError('Argument required (a location).');
        await this.go({ kind: 'advance', address: await this.location(cmd.rest) });
        return true;
      case 'print':
      case 'output':
        await this.cmdPrint(cmd.rest, cmd.format, cmd.name === 'output');
        return true;
      case 'x':
        await this.cmdExamine(cmd.format ?? '', cmd.rest);
        return true;
      case 'display':
        await this.cmdDisplay(cmd.rest, cmd.format);
        return true;
      case 'undisplay':
        if (a.length === 0) this.displays.length = 0;
        for (const t of a) {
          const i = this.displays.findIndex((d) => d.id === Number(t));
          if (i < 0) throw new CommandError(`No display number ${t}.`);
          this.displays.splice(i, 1);
        }
        return true;
      case 'disassemble':
        await this.cmdDisassemble(cmd.rest);
        return true;
      case 'disasm':
        await this.cmdDisasm(countArg(a, 9, 'disasm'));
        return true;
      case 'regs':
        await this.cmdRegs(a[0]);
        return true;
      case 'bt':
        await this.cmdBacktrace();
        return true;
      case 'info':
        await this.cmdInfo(a);
        return true;
      case 'run':
      case 'start':
        await this.cmdRun(cmd.name === 'start');
        return true;
      case 'kill':
        if (c.state !== 'stopped' && c.state !== 'running') throw new CommandError('The program is not being run.');
        await c.kill();
        this.out('[Inferior 1 (process 1) killed]');
        return true;
      case 'stubs':
        await this.cmdStubs();
        return true;
      case 'trampolines':
        await this.cmdTrampolines();
        return true;
      case 'events':
        this.cmdEvents();
        return true;
    }
  }

  /**
   * Source-level step/next: instruction steps (nexti for next) until pc is at the start of another
   * line, or of the same line in another frame. Code without lines on the way (a lazy call's stub,
   * trampoline, reentry routine and JIT dispatch) is stepped through, so `step` at a lazy call ends
   * on the body's first line after its prologue. Without line info at pc: stepi/nexti.
   */
  private async sourceStep(over: boolean, count: number): Promise<void> {
    const c = this.control;
    c.requireStopped();
    const kind = over ? 'nexti' : 'stepi';
    for (let n = 0; n < count; n++) {
      let regs = await c.registers();
      const first = c.sources.line(regs.pc);
      if (!first) {
        await this.go({ kind, count: count - n });
        return;
      }
      let range = { file: first.file, line: first.line, sp: Number(regs.sp) };
      let ev: DebugEvent | undefined;
      for (let i = 0; i < 1_000_000; i++) {
        ev = await c.go({ kind, count: 1 });
        if (ev.kind !== 'stop' || ev.reason.kind !== 'step') break;
        const l = c.sources.line(ev.pc);
        if (!l) continue;
        regs = await c.registers();
        const sp = Number(regs.sp);
        const same = l.file === range.file && l.line === range.line && sp === range.sp;
        if (ev.pc === l.start && !same) {
          // A function's first line is its prologue: gdb stops after it.
          if (l.function && ev.pc === l.function.lowPc && l.end < l.function.highPc) {
            range = { file: l.file, line: l.line, sp };
            continue;
          }
          break;
        }
        // Back in the middle of a line (a return into the caller): finish that line.
        if (ev.pc !== l.start && !same) range = { file: l.file, line: l.line, sp };
      }
      if (!ev) return;
      if (ev.kind !== 'stop' || ev.reason.kind !== 'step' || n === count - 1) {
        // As gdb: a step that stays in the function shows only the new line.
        const l = ev.kind === 'stop' ? c.sources.line(ev.pc) : undefined;
        this.lineOnly = ev.kind === 'stop' && ev.reason.kind === 'step' && l?.function === first.function;
        await this.report(ev);
        this.lineOnly = false;
        if (ev.kind !== 'stop' || ev.reason.kind !== 'step') return;
      }
    }
  }

  /** list: ten source lines (around a line, a function, the stop; again: the next ten). */
  private cmdList(spec: string): void {
    const c = this.control;
    let file: string | undefined;
    let from: number;
    const center = (line: number): number => Math.max(1, line - 5);
    if (spec === '') {
      if (!this.listing) {
        const f = c.sources.functionNamed(c.entry);
        if (!f?.file || f.line === undefined)
          throw new CommandError('No symbol table is loaded.  Use the "file" command.');
        this.listing = { file: f.file, next: center(f.line) };
      }
      file = this.listing.file;
      from = this.listing.next;
    } else {
      const m = /^(?:(.+):)?(\d+)$/.exec(spec);
      if (m) {
        file = m[1] === undefined ? this.listing?.file : c.sources.fileNamed(m[1]);
        if (!file) throw new CommandError(`No source file named ${m[1] ?? '(none)'}.`);
        from = center(Number(m[2]));
      } else {
        const f = c.sources.functionNamed(spec.replace(/^\*/, ''));
        if (!f?.file || f.line === undefined) throw new CommandError(`Function "${spec}" not defined.`);
        file = f.file;
        from = center(f.line);
      }
    }
    const lines = this.sourceLines(file);
    if (!lines) {
      this.out(`${from}\tin ${file}`);
      this.listing = { file, next: from + 10 };
      return;
    }
    if (from > lines.length)
      throw new CommandError(`Line number ${from} out of range; "${file}" has ${lines.length} lines.`);
    const out: string[] = [];
    for (let i = from; i < from + 10 && i <= lines.length; i++) out.push(`${i}\t${lines[i - 1]}`);
    this.out(out.join('\n'));
    this.listing = { file, next: from + 10 };
  }

  /** info line [LOCATION]: where a line's code starts and ends. */
  private async cmdInfoLine(spec: string): Promise<void> {
    const c = this.control;
    let address: number | undefined;
    if (spec === '') {
      c.requireStopped();
      address = (await c.registers()).pc;
    } else address = await c.resolveLocation(spec);
    if (address === undefined) throw new CommandError(`'${spec}' has no address yet (not linked).`);
    const l = c.sources.line(address);
    if (!l) {
      this.out(`No line number information available for address ${c.addrText(address)}`);
      return;
    }
    // As gdb: the row's range, symbolised by the DWARF function (gdb knows the body as `tally`).
    const at = (a: number): string => {
      const f = l.function;
      return f && a >= f.lowPc && a < f.highPc ? `${hex(a)} <${f.name}+${a - f.lowPc}>` : c.addrText(a);
    };
    this.out(`Line ${l.line} of "${l.file}" starts at address ${at(l.rowStart)} and ends at ${at(l.rowEnd)}.`);
  }

  private async location(spec: string): Promise<number> {
    const a = await this.control.resolveLocation(spec);
    if (a === undefined) throw new CommandError(`'${spec}' has no address yet (not linked).`);
    return a;
  }

  private async cmdBreak(spec: string, temporary: boolean): Promise<void> {
    if (spec === '') throw new CommandError('Argument required (a location: break SYMBOL or break *ADDRESS).');
    const bp = await this.control.addBreakpoint(spec, temporary);
    const title = temporary ? 'Temporary breakpoint' : 'Breakpoint';
    if (bp.address === undefined) {
      this.out(`${title} ${bp.id} (${bp.spec}) pending: not linked yet, armed when it gets an address`);
      return;
    }
    const s = this.control.symbols.symbolAt(bp.address);
    this.out(
      `${title} ${bp.id} at ${this.control.addrText(bp.address)}${s ? ` (${s.kind === 'host' ? 'host function' : s.graph})` : ''}`,
    );
  }

  private async cmdRun(start: boolean): Promise<void> {
    const c = this.control;
    if (c.state === 'stopped' || c.state === 'running') {
      this.out(
        'The program being debugged has been started already.\nStart it from the beginning? (y or n) [answered Y; input not from terminal]',
      );
    }
    await c.restart();
    if (start) await this.cmdBreak(c.entry, true);
    this.out(`Starting program: ${(this.options.argv ?? ['a.out']).join(' ')}`);
    await this.go({ kind: 'continue' });
  }

  private async go(action: Action): Promise<void> {
    const ev = await this.control.go(action);
    await this.report(ev);
  }

  // ---- stops ---------------------------------------------------------------------------------------

  /** gdb's frame line: `NAME () at FILE:LINE` at the start of a line, `0x… in NAME () at FILE:LINE` inside one. */
  private frameLine(pc: number): string {
    const l = this.control.sources.line(pc);
    if (!l) return `${hex16(pc)} in ${this.control.functionName(pc)} ()`;
    const name = l.function?.name ?? this.control.functionName(pc);
    return `${l.start === pc ? '' : `${hex16(pc)} in `}${name} () at ${l.file}:${l.line}`;
  }

  private readonly sourceCache = new Map<string, string[] | null>();

  /** The lines of a source file (1-based: index 0 is line 1), null when it cannot be read. */
  private sourceLines(path: string): string[] | null {
    let lines = this.sourceCache.get(path);
    if (lines === undefined) {
      const text = this.options.readSource?.(path);
      lines = text === undefined ? null : text.replace(/\n$/, '').split('\n');
      this.sourceCache.set(path, lines);
    }
    return lines;
  }

  /** `LINE\tTEXT` as gdb prints the current line, or `LINE\tin FILE` when the file is not readable. */
  private sourceLine(file: string, line: number): string {
    const text = this.sourceLines(file)?.[line - 1];
    return text === undefined ? `${line}\tin ${file}` : `${line}\t${text}`;
  }

  /** The next stop report shows only the source line (a step within one function). */
  private lineOnly = false;

  /** Where `list` continues (file and next line), and the last listed range. */
  private listing: { file: string; next: number } | undefined;

  async report(ev: DebugEvent): Promise<void> {
    const c = this.control;
    if (ev.kind === 'exit') {
      const r = ev.result;
      if ((r.reason === 'signal' || r.reason === 'abort') && r.status > 128) {
        this.out(`\nProgram terminated with signal ${signalText(r.status - 128)}.\nThe program no longer exists.`);
        return;
      }
      this.out(
        r.status === 0
          ? '[Inferior 1 (process 1) exited normally]'
          : `[Inferior 1 (process 1) exited with code ${r.status.toString(8).padStart(2, '0')}]`,
      );
      return;
    }
    if (ev.kind === 'killed') {
      this.out('[Inferior 1 (process 1) killed]');
      return;
    }
    if (ev.kind === 'error') {
      this.out(`[program terminated: ${ev.error.name}: ${ev.error.message}]`);
      return;
    }
    const pc = ev.pc;
    const r: StopReason = ev.reason;
    switch (r.kind) {
      case 'breakpoint':
        this.out(`\n${r.bp.temporary ? 'Temporary breakpoint' : 'Breakpoint'} ${r.bp.id}, ${this.frameLine(pc)}`);
        break;
      case 'watchpoint': {
        const size = r.bp.watch?.size ?? 8;
        const fmt = (v: bigint | undefined) =>
          v === undefined ? '<unreadable>' : BigInt.asIntN(size * 8, v).toString();
        const changed = r.access === 'write';
        this.out(
          `\n${watchTitle(r.bp)} ${r.bp.id}: ${r.bp.spec}\n\n${changed ? `Old value = ${fmt(r.old)}\nNew value = ${fmt(r.value)}` : `Value = ${fmt(r.value)}`}`,
        );
        this.out(this.frameLine(pc));
        break;
      }
      case 'interrupt':
        this.out(`\nProgram received signal SIGINT, Interrupt.\n${this.frameLine(pc)}`);
        break;
      case 'fault':
        this.out(`\nProgram received signal ${signalText(r.signal)}.\n${this.frameLine(pc)}`);
        if (r.message) this.out(`note: ${r.message.trim()}`);
        break;
      case 'finish': {
        this.out(this.frameLine(pc));
        break;
      }
      case 'lazy':
        this.out(`${this.frameLine(pc)}\nlazy: ${r.what}`);
        break;
      default:
        if (!this.lineOnly || !c.sources.line(pc)) this.out(this.frameLine(pc));
    }
    const here = c.sources.line(pc);
    if (here) {
      // As gdb: the source line (the instruction only with display/i $pc).
      this.out(this.sourceLine(here.file, here.line));
      this.listing = { file: here.file, next: Math.max(1, here.line - 5) };
    } else if (!this.displays.some((d) => d.format?.endsWith('i') && d.expr.replace(/\s/g, '') === '$pc'))
      // The current instruction, unless a `display/i $pc` shows it anyway.
      this.out(await c.insnLine(pc, true));
    if (r.kind === 'finish') {
      const x0 = (await c.registers()).x[0] ?? 0n;
      this.out(`Value returned in x0: ${BigInt.asIntN(64, x0)} (${hex(BigInt.asUintN(64, x0))})`);
    }
    if (c.gates.has(pc)) {
      const lr = Number((await c.registers()).x[30]);
      this.out(`note: host function (call gate): it runs when execution continues, then returns to ${c.addrText(lr)}`);
    }
    const note = await c.reentryNote(pc);
    if (note) this.out(`note: ${note}`);
    await this.showDisplays();
  }

  // ---- print, x, display ------------------------------------------------------------------------

  private async cString(address: number): Promise<string | undefined> {
    try {
      const bytes: number[] = [];
      for (let i = 0; i < 200; i += 32) {
        const b = await this.control.session.readMemory(address + i, 32);
        for (const x of b) {
          if (x === 0) return stringText(new Uint8Array(bytes));
          bytes.push(x);
        }
      }
      return stringText(new Uint8Array(bytes));
    } catch {
      return undefined;
    }
  }

  private async formatted(v: Value, letter: string | undefined): Promise<string> {
    let str: string | undefined;
    if (v.type.k === 'ptr' && v.type.to.k === 'int' && (v.type.to.t === 'char' || v.type.to.t === 'uchar'))
      str = await this.cString(Number((v as { v: bigint }).v));
    return formatValue(v, { symbolize: this.control.symbolize, cString: () => str }, letter);
  }

  private printLetter(format: string | undefined): string | undefined {
    if (format === undefined || format === '') return undefined;
    const m = /^([xduotacfsz])$/.exec(format);
    if (!m) throw new CommandError(`Undefined output format "${format}".`);
    return m[1];
  }

  private async cmdPrint(text: string, format: string | undefined, output: boolean): Promise<void> {
    const letter = this.printLetter(format);
    const c = this.control;
    let v: Value;
    if (text === '') {
      const last = c.history[c.history.length - 1];
      if (!last) {
        this.out('$1 = void'.replace('$1', `$${c.history.length + 1}`));
        return;
      }
      v = last;
    } else v = await evaluateForPrint(parseExpr(text), await c.evalContext());
    const s = await this.formatted(v, letter);
    if (output) {
      this.write(s);
      return;
    }
    if (v.type.k === 'novalue') {
      this.out(`$${c.history.length + 1} = void`);
      c.history.push(v);
      return;
    }
    c.history.push(v);
    this.out(`$${c.history.length} = ${s}`);
  }

  private async examineAddress(text: string): Promise<number> {
    const c = this.control;
    const e = parseExpr(text);
    // A bare symbol (code or data) examines its address, as gdb does for functions.
    if (e.k === 'sym') {
      const a = c.addressOfName(e.name);
      if (a === undefined) {
        if (c.knownName(e.name)) throw new CommandError(`x: '${e.name}' has no address yet (not linked)`);
        throw new CommandError(`No symbol "${e.name}" in current context.`);
      }
      return a;
    }
    const v = await c.evaluate(e);
    if (v.type.k === 'novalue') throw new CommandError('Attempt to take contents of a non-pointer value.');
    return Number(BigInt.asUintN(53, (v as { v: bigint }).v));
  }

  private async cmdExamine(spec: string, text: string): Promise<void> {
    const f = parseExamineSpec(spec, this.lastExamine);
    let address: number;
    if (text === '') {
      if (this.lastExamine.next === undefined) throw new CommandError('Argument required (starting display address).');
      address = this.lastExamine.next;
    } else address = await this.examineAddress(text);
    this.out(await this.examine(address, f.count, f.letter, f.unit));
  }

  /** x/NFU at address: the lines gdb prints. */
  async examine(address: number, count: number, letter: string, unit: Unit): Promise<string> {
    const c = this.control;
    const lines: string[] = [];
    let at = address;
    if (letter === 'i') {
      const pc = c.stopped ? (await c.registers()).pc : -1;
      for (let i = 0; i < count; i++, at += 4) {
        if (!(await c.mapped(at, 4))) throw new CommandError(`Cannot access memory at address ${hex(at)}`);
        lines.push(await c.insnLine(at, at === pc));
      }
    } else if (letter === 's') {
      for (let i = 0; i < count; i++) {
        const bytes: number[] = [];
        let a = at;
        for (;;) {
          if (!(await c.mapped(a, 1))) {
            if (bytes.length === 0) throw new CommandError(`Cannot access memory at address ${hex(a)}`);
            break;
          }
          const b = (await c.session.readMemory(a, 1))[0] as number;
          a++;
          if (b === 0 || bytes.length >= 200) break;
          bytes.push(b);
        }
        lines.push(`${lineLabel(at, c.symbolize)}\t${stringText(new Uint8Array(bytes))}`);
        at = a;
      }
    } else {
      const total = count * unit;
      if (!(await c.mapped(at, total))) {
        // gdb prints what it can and then the error; we check the whole range first.
        throw new CommandError(`Cannot access memory at address ${hex(at)}`);
      }
      const bytes = await c.session.readMemory(at, total);
      const per = perLine(letter, unit);
      for (let i = 0; i < count; i += per) {
        const cols: string[] = [];
        for (let j = i; j < Math.min(i + per, count); j++)
          cols.push(formatUnit(bytes.subarray(j * unit, j * unit + unit), letter, unit, c.symbolize));
        lines.push(`${lineLabel(at + i * unit, c.symbolize)}\t${cols.join('\t')}`);
      }
      at += total;
    }
    this.lastExamine = {
      letter,
      unit: letter === 'a' || letter === 's' || letter === 'i' ? this.lastExamine.unit : unit,
      next: at,
    };
    if (letter !== 'a' && letter !== 's' && letter !== 'i' && letter !== 'c') this.lastExamine.letter = letter;
    else this.lastExamine.letter = letter === 'i' || letter === 's' ? letter : this.lastExamine.letter;
    return lines.join('\n');
  }

  private async cmdDisplay(text: string, format: string | undefined): Promise<void> {
    if (text === '') {
      await this.showDisplays();
      return;
    }
    parseExpr(text);
    const d: Display = { id: this.nextDisplay++, expr: text, format: format === '' ? undefined : format };
    this.displays.push(d);
    if (this.control.stopped) await this.showDisplay(d);
  }

  private async showDisplays(): Promise<void> {
    for (const d of this.displays) await this.showDisplay(d);
  }

  private async showDisplay(d: Display): Promise<void> {
    try {
      const f = d.format;
      if (f !== undefined && /[is]$|^\d/.test(f)) {
        const spec = parseExamineSpec(f, { letter: 'x', unit: 4 });
        const saved = this.lastExamine;
        const body = await this.examine(await this.examineAddress(d.expr), spec.count, spec.letter, spec.unit);
        this.lastExamine = saved;
        this.out(`${d.id}: x/${f} ${d.expr}\n${body}`);
        return;
      }
      const v = await evaluateForPrint(parseExpr(d.expr), await this.control.evalContext());
      this.out(`${d.id}: ${f ? `/${f} ` : ''}${d.expr} = ${await this.formatted(v, this.printLetter(f))}`);
    } catch (e) {
      this.out(`${d.id}: ${d.expr} = <error: ${(e as Error).message}>`);
    }
  }

  // ---- registers -----------------------------------------------------------------------------------

  private registerRow(regs: DebugRegisters, name: string): string {
    const c = this.control;
    const x = /^[xw](\d+)$/.exec(name);
    if (x && Number(x[1]) <= 30) {
      const v = regs.x[Number(x[1])] ?? 0n;
      if (name[0] === 'w') {
        const w = BigInt.asUintN(32, v);
        return registerLine(name, hex(w), BigInt.asIntN(32, w).toString());
      }
      return registerLine(name, hex(BigInt.asUintN(64, v)), BigInt.asIntN(64, v).toString());
    }
    switch (name) {
      case 'sp':
      case 'fp': {
        const v = BigInt.asUintN(64, name === 'sp' ? regs.sp : (regs.x[29] ?? 0n));
        return registerLine(name, hex(v), hex(v));
      }
      case 'lr': {
        const v = regs.x[30] ?? 0n;
        return registerLine(name, hex(BigInt.asUintN(64, v)), BigInt.asIntN(64, v).toString());
      }
      case 'pc':
        return registerLine('pc', hex(regs.pc), c.addrText(regs.pc));
      case 'cpsr':
        return registerLine('cpsr', hex(regs.nzcv), cpsrText(regs.nzcv));
      case 'fpsr':
        return registerLine('fpsr', hex(regs.fpsr), fpsrText(regs.fpsr));
      case 'fpcr':
        return registerLine('fpcr', hex(regs.fpcr), fpcrText(regs.fpcr));
      case 'tpidr':
      case 'tpidr_el0':
        return registerLine(name, hex(regs.tpidr_el0), hex(regs.tpidr_el0));
    }
    const v = /^[vq](\d+)$/.exec(name);
    if (v && Number(v[1]) < 32) {
      const q = regs.v[Number(v[1])] ?? 0n;
      return registerLine(name, hex(q), hex(q));
    }
    throw new CommandError(`Invalid register \`${name}'`);
  }

  private async cmdInfoRegisters(names: string[], all: boolean): Promise<void> {
    const regs = await this.control.registers();
    const list =
      names.length > 0
        ? names.map((n) => n.replace(/^\$/, '').toLowerCase())
        : [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'cpsr', 'fpsr', 'fpcr'];
    if (all && names.length === 0) list.push(...Array.from({ length: 32 }, (_, i) => `v${i}`));
    this.out(list.map((n) => this.registerRow(regs, n)).join('\n'));
  }

  /** The compact dump of earlier versions (`regs`, `regs v`, `regs fp`). */
  private async cmdRegs(which: string | undefined): Promise<void> {
    const c = this.control;
    const r = await c.registers();
    const lines: string[] = [];
    if (which === undefined) {
      for (let i = 0; i < 29; i += 3) {
        const cols: string[] = [];
        for (let j = i; j < Math.min(i + 3, 29); j++) cols.push(`${`x${j}`.padEnd(3)} ${hex16(r.x[j] ?? 0n)}`);
        lines.push(cols.join('  '));
      }
      const reg = (name: string, v: bigint) => {
        const s = v < 2n ** 53n ? c.symbolize(Number(v)) : undefined;
        lines.push(`${name.padEnd(8)} ${hex16(v)}${s ? `  ${angle(s)}` : ''}`);
      };
      reg('x29(fp)', r.x[29] ?? 0n);
      const lr = BigInt.asUintN(64, r.x[30] ?? 0n);
      const lrSym = lr < 2n ** 53n ? c.symbolizeReturn(Number(lr)) : undefined;
      lines.push(`${'x30(lr)'.padEnd(8)} ${hex16(lr)}${lrSym ? `  ${angle(lrSym)}` : ''}`);
      reg('sp', BigInt.asUintN(64, r.sp));
      reg('pc', BigInt(r.pc));
      const flags = ['N', 'Z', 'C', 'V'].map((f, k) => ((r.nzcv >>> (31 - k)) & 1 ? f : f.toLowerCase())).join('');
      lines.push(`${'nzcv'.padEnd(8)} ${hex(r.nzcv).replace('0x', '0x').padEnd(10)}  [${flags}]`);
    } else if (which === 'v' || which === 'q') {
      for (let i = 0; i < 32; i++) lines.push(`q${i}`.padEnd(4) + hex(r.v[i] ?? 0n));
    } else if (which === 'fp') {
      lines.push(registerLine('fpcr', hex(r.fpcr), fpcrText(r.fpcr)));
      lines.push(registerLine('fpsr', hex(r.fpsr), fpsrText(r.fpsr)));
    } else throw new CommandError(`regs: unknown group '${which}' (regs, regs v, regs fp)`);
    this.out(lines.join('\n'));
  }

  // ---- code ------------------------------------------------------------------------------------------

  private async cmdDisassemble(text: string): Promise<void> {
    const c = this.control;
    let at: number;
    if (text === '') {
      c.requireStopped();
      at = (await c.registers()).pc;
    } else at = await this.location(text);
    const fn = c.symbols.symbolAt(at);
    if (!fn || fn.size === 0) throw new CommandError(`No function contains specified address.`);
    const pc = c.stopped ? (await c.registers()).pc : -1;
    const lines = [`Dump of assembler code for function ${fn.name}:`];
    const end = Math.min(fn.address + fn.size, fn.address + 4 * 4096);
    for (let a = fn.address; a < end; a += 4) {
      const w = await c.readWord(a);
      const text2 = w === undefined ? '<unmapped>' : c.disassembleWord(w, a);
      lines.push(`${a === pc ? '=> ' : '   '}${hex16(a)} <+${a - fn.address}>:\t${text2}`);
    }
    lines.push('End of assembler dump.');
    this.out(lines.join('\n'));
  }

  private async cmdDisasm(n: number): Promise<void> {
    const c = this.control;
    const pc = (await c.registers()).pc;
    const before = Math.min(Math.floor((n - 1) / 3), 8);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = pc + 4 * (i - before);
      if (a >= 0) lines.push(await c.insnLine(a, a === pc));
    }
    this.out(lines.join('\n'));
  }

  private async cmdBacktrace(): Promise<void> {
    const c = this.control;
    c.requireStopped();
    const sentinel = c.session.bootstrap.returnSentinel;
    const lines = (await c.backtrace()).map((f, i) => {
      const ret = i > 0 && f.pc !== sentinel;
      const s = c.symbols.symbolAt(ret ? f.pc - 4 : f.pc);
      // A caller's line is the call's (the instruction before the return address).
      const l = c.sources.line(ret ? f.pc - 4 : f.pc);
      const name = l?.function?.name ?? s?.name ?? '??';
      const where = l ? ` at ${l.file}:${l.line}` : s ? ` from ${s.kind === 'host' ? '<host>' : s.graph}` : '';
      const addr = i === 0 && l && l.start === f.pc ? '' : `${hex16(f.pc)} in `;
      return `#${i}  ${addr}${name} ()${where}${f.note ? `  [${f.note}]` : ''}`;
    });
    this.out(lines.join('\n'));
  }

  // ---- info ------------------------------------------------------------------------------------------

  private async cmdInfo(a: string[]): Promise<void> {
    if (a.length === 0)
      throw new CommandError('List of info subcommands: registers, breakpoints, symbol, sharedlibrary, display.');
    const sub = resolveInfoSubcommand(a[0] as string);
    const c = this.control;
    switch (sub) {
      case 'registers':
      case 'all-registers':
        await this.cmdInfoRegisters(a.slice(1), sub === 'all-registers');
        return;
      case 'breakpoints':
      case 'watchpoints':
        this.out(this.breakpointTable(sub === 'watchpoints'));
        return;
      case 'display':
        if (this.displays.length === 0) this.out('There are no auto-display expressions now.');
        else
          this.out(
            `Auto-display expressions now in effect:\nNum Enb Expression\n${this.displays.map((d) => `${`${d.id}:`.padEnd(5)}y  ${d.format ? `/${d.format} ` : ''}${d.expr}`).join('\n')}`,
          );
        return;
      case 'sharedlibrary':
        this.out(this.sharedLibraries());
        return;
      case 'line':
        await this.cmdInfoLine(a.slice(1).join(' '));
        return;
      case 'symbol': {
        const what = a.slice(1).join(' ');
        if (what === '') throw new CommandError('Argument required (address).');
        const address = await c.resolveLocation(what.startsWith('*') ? what : `*${what}`);
        if (address === undefined) throw new CommandError(`info symbol: '${what}' has no address yet (not linked)`);
        const s = c.symbols.symbolAt(address);
        if (!s) {
          this.out(`No symbol matches ${what}.`);
          return;
        }
        const off = address - s.address;
        const kind = {
          code: 'code',
          data: 'data',
          stub: 'redirectable stub',
          pointer: 'stub pointer',
          trampoline: 'reentry trampoline',
          host: 'host function (call gate)',
          other: 'symbol',
        }[s.kind];
        this.out(
          `${s.name}${off ? ` + ${off}` : ''} in section ${s.section} of ${s.graph}${s.jd ? ` (JITDylib ${s.jd})` : ''}: ${kind}`,
        );
        return;
      }
    }
  }

  private breakpointTable(watchOnly: boolean): string {
    const bps = this.control.breakpoints.filter((b) => !watchOnly || b.type === 'watchpoint');
    if (bps.length === 0) return watchOnly ? 'No watchpoints.' : 'No breakpoints or watchpoints.';
    const typeOf = (b: Breakpoint): string =>
      b.type === 'breakpoint'
        ? 'breakpoint'
        : b.watch?.kind === 'read'
          ? 'read watchpoint'
          : b.watch?.kind === 'access'
            ? 'acc watchpoint'
            : 'hw watchpoint';
    const tw = Math.max(14, ...bps.map((b) => typeOf(b).length)) + 1;
    const lines = [`${'Num'.padEnd(8)}${'Type'.padEnd(tw)}Disp Enb ${'Address'.padEnd(19)}What`];
    for (const b of bps) {
      const head = `${String(b.id).padEnd(8)}${typeOf(b).padEnd(tw)}${(b.temporary ? 'del' : 'keep').padEnd(5)}${'y'.padEnd(4)}`;
      if (b.type === 'watchpoint') lines.push(`${head}${''.padEnd(19)}${b.spec}`);
      else if (b.address === undefined) lines.push(`${head}${'<PENDING>'.padEnd(19)}${b.spec}`);
      else {
        const s = this.control.symbolize(b.address);
        lines.push(`${head}${hex16(b.address)} ${s ? `<${s}>` : ''}`.trimEnd());
      }
      if (b.hits > 0) lines.push(`\tbreakpoint already hit ${b.hits} time${b.hits === 1 ? '' : 's'}`);
    }
    return lines.join('\n');
  }

  /** The linked graphs as gdb lists shared objects: code range, symbols read, name (and JITDylib). */
  private sharedLibraries(): string {
    const c = this.control;
    const byGraph = new Map<string, { from: number; to: number; jd: string | undefined }>();
    for (const s of c.symbols.all()) {
      if (s.kind === 'host' || s.kind === 'data' || s.kind === 'pointer' || s.size === 0) continue;
      const g = byGraph.get(s.graph);
      if (g) {
        g.from = Math.min(g.from, s.address);
        g.to = Math.max(g.to, s.address + s.size);
      } else byGraph.set(s.graph, { from: s.address, to: s.address + s.size, jd: s.jd });
    }
    if (byGraph.size === 0) return 'No shared libraries loaded at this time.';
    const rows = [...byGraph].sort((x, y) => x[1].from - y[1].from);
    const lines = [`${'From'.padEnd(20)}${'To'.padEnd(20)}${'Syms Read'.padEnd(12)}Shared Object Library`];
    for (const [name, g] of rows)
      lines.push(
        `${hex16(g.from).padEnd(20)}${hex16(g.to).padEnd(20)}${'Yes'.padEnd(12)}${name}${g.jd ? ` (JITDylib ${g.jd})` : ''}`,
      );
    return lines.join('\n');
  }

  // ---- ORC views ---------------------------------------------------------------------------------------

  private async cmdStubs(): Promise<void> {
    const c = this.control;
    const rows = await c.stubTable();
    if (rows.length === 0) {
      this.out('no lazy reexports yet');
      return;
    }
    const lines = [`${'alias'.padEnd(12)} ${'stub'.padEnd(12)} ${'pointer'.padEnd(12)} -> target`];
    for (const r of rows) {
      const sym = r.target === undefined ? undefined : c.symbolize(r.target);
      const tgt =
        r.target === undefined
          ? '?'
          : r.target === r.trampoline
            ? `${hex(r.target)} ${trampolineName(r.info.name)} (not resolved yet)`
            : `${hex(r.target)} ${sym ?? '?'}${sym === r.info.bodyName ? ' (redirected)' : ''}`;
      lines.push(
        `${r.info.name.padEnd(12)} ${(r.stub === undefined ? '?' : hex(r.stub)).padEnd(12)} ${(r.pointer === undefined ? '?' : hex(r.pointer)).padEnd(12)} -> ${tgt}`,
      );
    }
    this.out(lines.join('\n'));
  }

  private async cmdTrampolines(): Promise<void> {
    const c = this.control;
    const rows = [...c.session.lrm.callThroughs].sort((x, y) => x[0] - y[0]);
    if (rows.length === 0) {
      this.out('no reentry trampolines yet');
      return;
    }
    const lines = [`${'trampoline'.padEnd(12)} ${'alias'.padEnd(12)} ${'body'.padEnd(20)} JITDylib  reentries`];
    for (const [t, info] of rows)
      lines.push(
        `${hex(t).padEnd(12)} ${info.name.padEnd(12)} ${info.bodyName.padEnd(20)} ${info.jd.name.padEnd(9)} ${c.reentryCounts.get(t) ?? 0}`,
      );
    const first = rows[0]?.[0] as number;
    const w0 = await c.readWord(first);
    const w1 = await c.readWord(first + 4);
    if (w0 !== undefined && w1 !== undefined)
      lines.push(
        `each: ${c.disassembleWord(w0, first).replace('\t', ' ')} ; ${c.disassembleWord(w1, first + 4).replace('\t', ' ')}`,
      );
    this.out(lines.join('\n'));
  }

  private cmdEvents(): void {
    const ev = this.control.events;
    if (ev.length === 0) {
      this.out('no lazy events yet');
      return;
    }
    this.out(ev.map((e) => `${String(e.seq).padStart(3)}  ${e.kind.padEnd(8)} ${e.text}`).join('\n'));
  }
}

function watchTitle(bp: Breakpoint): string {
  const k = bp.watch?.kind;
  return k === 'read'
    ? 'Hardware read watchpoint'
    : k === 'access'
      ? 'Hardware access (read/write) watchpoint'
      : 'Hardware watchpoint';
}

function breakpointNumber(t: string): number {
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CommandError(`Convenience variable must have integer value.\nArgs must be numbers or '$' variables.`);
  return n;
}
