/**
 * `.debug_line`: line-number programs of DWARF 2–5. The header (v5: directory and file entry
 * formats with DW_LNCT_* content and DW_FORM_string/line_strp/strp/strx/udata/data* and the
 * data16 MD5), then the state machine run to a table of rows, as the standard describes.
 */
import { Cursor, stringAt } from './cursor.ts';
import { type FormContext, type FormValue, readForm } from './forms.ts';

export interface LineFile {
  name: string;
  dirIndex: number;
  md5?: Uint8Array;
}

export interface LineRow {
  address: number;
  /** File index as the program numbers it (1-based before DWARF 5, 0-based in 5). */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  basicBlock: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  epilogueBegin: boolean;
  isa: number;
  discriminator: number;
}

export interface LineProgram {
  /** Offset of the program's header in .debug_line (what DW_AT_stmt_list holds). */
  offset: number;
  version: number;
  is64: boolean;
  addressSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  /** DWARF 5: index 0 is the compilation directory. Before 5: include_directories (1-based in use). */
  directories: string[];
  /** DWARF 5: index 0 is the primary source. Before 5: file_names (1-based in use). */
  files: LineFile[];
  rows: LineRow[];
}

export interface LineStrings {
  /** .debug_str */
  str?: Cursor;
  /** .debug_line_str */
  lineStr?: Cursor;
  /** Resolves DW_FORM_strx* through the unit's .debug_str_offsets base (when known). */
  strx?: (index: number) => string;
}

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const DW_LNCT_MD5 = 5;

export function resolveString(v: FormValue, strings: LineStrings, c: Cursor, what: string): string | undefined {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'strp':
      if (!strings.str) return c.fail(`${what}: DW_FORM_strp without a .debug_str section`);
      return stringAt(strings.str, v.v, what);
    case 'line_strp':
      if (!strings.lineStr) return c.fail(`${what}: DW_FORM_line_strp without a .debug_line_str section`);
      return stringAt(strings.lineStr, v.v, what);
    case 'strx':
      if (!strings.strx) return c.fail(`${what}: DW_FORM_strx without .debug_str_offsets`);
      return strings.strx(v.v);
    default:
      return undefined;
  }
}

interface EntryFormat {
  content: number;
  form: number;
}

function entryFormats(c: Cursor, what: string): EntryFormat[] {
  const n = c.u8(`${what} format count`);
  const formats: EntryFormat[] = [];
  for (let i = 0; i < n; i++) formats.push({ content: c.uleb(`${what} content type`), form: c.uleb(`${what} form`) });
  return formats;
}

function entries(
  c: Cursor,
  formats: EntryFormat[],
  ctx: FormContext,
  strings: LineStrings,
  what: string,
): { name: string; dirIndex: number; md5?: Uint8Array }[] {
  const count = c.uleb(`${what} count`);
  if (count > c.left) c.fail(`${what} count ${count} exceeds the header`);
  const out: { name: string; dirIndex: number; md5?: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    let name = '';
    let dirIndex = 0;
    let md5: Uint8Array | undefined;
    for (const f of formats) {
      const at = c.pos;
      const v = readForm(c, f.form, ctx);
      if (f.content === DW_LNCT_path) {
        const s = resolveString(v, strings, c, `${what}[${i}] path`);
        if (s === undefined) c.fail(`${what}[${i}]: path in form 0x${f.form.toString(16)}`, at);
        name = s as string;
      } else if (f.content === DW_LNCT_directory_index) {
        if (v.k !== 'num') c.fail(`${what}[${i}]: directory index in form 0x${f.form.toString(16)}`, at);
        dirIndex = (v as { v: number }).v;
      } else if (f.content === DW_LNCT_MD5) {
        if (v.k !== 'block' || v.v.length !== 16) c.fail(`${what}[${i}]: MD5 is not 16 bytes of data`, at);
        md5 = (v as { v: Uint8Array }).v.slice();
      }
    }
    out.push(md5 ? { name, dirIndex, md5 } : { name, dirIndex });
  }
  return out;
}

/** Parses the line program at `offset` of .debug_line. */
export function readLineProgram(section: Cursor, offset: number, strings: LineStrings, cuAddressSize = 8): LineProgram {
  const c = section.at(offset, 'line program offset');
  let unitLength = c.u32('unit_length');
  const is64 = unitLength === 0xffffffff;
  if (is64) unitLength = c.u64('unit_length');
  else if (unitLength >= 0xfffffff0) c.fail(`reserved unit_length 0x${unitLength.toString(16)}`, offset);
  c.need(unitLength, 'line program');
  const end = c.pos + unitLength;
  c.end = end;
  const version = c.u16('version');
  if (version < 2 || version > 5) c.fail(`line table version ${version} (2 to 5 supported)`, c.pos - 2);
  let addressSize = cuAddressSize;
  if (version >= 5) {
    addressSize = c.u8('address_size');
    if (addressSize !== 4 && addressSize !== 8) c.fail(`address_size ${addressSize}`, c.pos - 1);
    c.u8('segment_selector_size');
  }
  const headerLength = c.offset(is64, 'header_length');
  c.need(headerLength, 'header');
  const programStart = c.pos + headerLength;
  const minInstLength = c.u8('minimum_instruction_length');
  const maxOpsPerInst = version >= 4 ? c.u8('maximum_operations_per_instruction') : 1;
  const defaultIsStmt = c.u8('default_is_stmt') !== 0;
  const lineBase = c.i8('line_base');
  const lineRange = c.u8('line_range');
  if (lineRange === 0) c.fail('line_range is 0', c.pos - 1);
  const opcodeBase = c.u8('opcode_base');
  if (opcodeBase === 0) c.fail('opcode_base is 0', c.pos - 1);
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(c.u8('standard_opcode_lengths'));
  const ctx: FormContext = { is64, addressSize, version };
  let directories: string[];
  let files: LineFile[];
  const header = new Cursor(c.bytes, c.file, c.section, c.pos, programStart);
  if (version >= 5) {
    const dirFormats = entryFormats(header, 'directory entry');
    directories = entries(header, dirFormats, ctx, strings, 'directories').map((e) => e.name);
    const fileFormats = entryFormats(header, 'file name entry');
    files = entries(header, fileFormats, ctx, strings, 'file_names');
  } else {
    directories = [];
    for (;;) {
      const d = header.cstr('include_directories');
      if (d === '') break;
      directories.push(d);
    }
    files = [];
    for (;;) {
      const name = header.cstr('file_names');
      if (name === '') break;
      const dirIndex = header.uleb('file directory index');
      header.skipLeb('file modification time');
      header.skipLeb('file length');
      files.push({ name, dirIndex });
    }
  }
  const program: LineProgram = {
    offset,
    version,
    is64,
    addressSize,
    minInstLength,
    maxOpsPerInst,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardOpcodeLengths,
    directories,
    files,
    rows: [],
  };
  c.pos = programStart;
  runProgram(c, program);
  return program;
}

function runProgram(c: Cursor, p: LineProgram): void {
  const rows = p.rows;
  let address = 0;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = p.defaultIsStmt;
  let basicBlock = false;
  let prologueEnd = false;
  let epilogueBegin = false;
  let isa = 0;
  let discriminator = 0;
  const maxOps = p.maxOpsPerInst || 1;
  const emit = (endSequence: boolean): void => {
    rows.push({
      address,
      file,
      line,
      column,
      isStmt,
      basicBlock,
      endSequence,
      prologueEnd,
      epilogueBegin,
      isa,
      discriminator,
    });
    basicBlock = false;
    prologueEnd = false;
    epilogueBegin = false;
    discriminator = 0;
  };
  const advance = (operationAdvance: number): void => {
    if (maxOps === 1) address += p.minInstLength * operationAdvance;
    else {
      address += p.minInstLength * Math.floor((opIndex + operationAdvance) / maxOps);
      opIndex = (opIndex + operationAdvance) % maxOps;
    }
  };
  while (c.pos < c.end) {
    const at = c.pos;
    const op = c.u8('opcode');
    if (op >= p.opcodeBase) {
      const adjusted = op - p.opcodeBase;
      advance(Math.floor(adjusted / p.lineRange));
      line += p.lineBase + (adjusted % p.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb('extended opcode length');
        if (len === 0) c.fail('extended opcode of length 0', at);
        const body = c.sub(len, 'extended opcode');
        c.pos += len;
        const sub = body.u8('extended opcode');
        switch (sub) {
          case 1: // DW_LNE_end_sequence
            emit(true);
            address = 0;
            opIndex = 0;
            file = 1;
            line = 1;
            column = 0;
            isStmt = p.defaultIsStmt;
            isa = 0;
            break;
          case 2: // DW_LNE_set_address
            address = body.address(len - 1, 'DW_LNE_set_address');
            opIndex = 0;
            break;
          case 3: {
            // DW_LNE_define_file (before DWARF 5)
            const name = body.cstr('DW_LNE_define_file');
            const dirIndex = body.uleb('DW_LNE_define_file directory');
            p.files.push({ name, dirIndex });
            break;
          }
          case 4: // DW_LNE_set_discriminator
            discriminator = body.uleb('DW_LNE_set_discriminator');
            break;
          default: // vendor extensions: skipped by their length
            break;
        }
        break;
      }
      case 1: // DW_LNS_copy
        emit(false);
        break;
      case 2:
        advance(c.uleb('DW_LNS_advance_pc'));
        break;
      case 3:
        line += c.sleb('DW_LNS_advance_line');
        break;
      case 4:
        file = c.uleb('DW_LNS_set_file');
        break;
      case 5:
        column = c.uleb('DW_LNS_set_column');
        break;
      case 6:
        isStmt = !isStmt;
        break;
      case 7:
        basicBlock = true;
        break;
      case 8:
        advance(Math.floor((255 - p.opcodeBase) / p.lineRange));
        break;
      case 9:
        address += c.u16('DW_LNS_fixed_advance_pc');
        opIndex = 0;
        break;
      case 10:
        prologueEnd = true;
        break;
      case 11:
        epilogueBegin = true;
        break;
      case 12:
        isa = c.uleb('DW_LNS_set_isa');
        break;
      default: {
        // A standard opcode this reader does not know: skip its ULEB operands.
        const n = p.standardOpcodeLengths[op - 1] ?? 0;
        for (let i = 0; i < n; i++) c.skipLeb('operand of an unknown standard opcode');
      }
    }
  }
}

/** All line programs of .debug_line, one after another. */
export function readAllLinePrograms(section: Cursor, strings: LineStrings): LineProgram[] {
  const out: LineProgram[] = [];
  let offset = 0;
  while (offset < section.bytes.length) {
    const p = readLineProgram(section, offset, strings);
    out.push(p);
    const lenCursor = section.at(offset, 'line program');
    const l = lenCursor.u32('unit_length');
    offset = l === 0xffffffff ? offset + 12 + lenCursor.u64('unit_length') : offset + 4 + l;
  }
  return out;
}
