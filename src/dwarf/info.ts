/**
 * `.debug_info` with `.debug_abbrev`: the units (DWARF 2–5 headers, DWARF32/64), the compile
 * unit's own attributes, and the subprograms with code (name, low/high pc, declaration file and
 * line). Names of out-of-line instances come through DW_AT_abstract_origin / DW_AT_specification
 * within the unit. Strings resolve through .debug_str, .debug_line_str and .debug_str_offsets;
 * addresses through .debug_addr (DW_AT_str_offsets_base / DW_AT_addr_base).
 */
import { type Cursor, stringAt } from './cursor.ts';
import { type FormContext, type FormValue, knownForm, readForm } from './forms.ts';

const DW_TAG_compile_unit = 0x11;
const DW_TAG_partial_unit = 0x3c;
const DW_TAG_skeleton_unit = 0x4a;
const DW_TAG_subprogram = 0x2e;

const DW_AT = {
  name: 0x03,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  producer: 0x25,
  language: 0x13,
  comp_dir: 0x1b,
  abstract_origin: 0x31,
  decl_file: 0x3a,
  decl_line: 0x3b,
  declaration: 0x3c,
  specification: 0x47,
  linkage_name: 0x6e,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  GNU_addr_base: 0x2133,
} as const;

interface AttrSpec {
  name: number;
  form: number;
  implicitConst: number;
}

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: AttrSpec[];
}

export interface Subprogram {
  name: string;
  lowPc: number;
  /** Exclusive end. */
  highPc: number;
  declFile?: number;
  declLine?: number;
  /** Offset of the DIE in .debug_info. */
  offset: number;
}

export interface CompileUnit {
  offset: number;
  version: number;
  unitType: number;
  addressSize: number;
  is64: boolean;
  name?: string;
  compDir?: string;
  producer?: string;
  language?: number;
  lowPc?: number;
  highPc?: number;
  /** Offset of the unit's line program in .debug_line. */
  stmtList?: number;
  subprograms: Subprogram[];
}

export interface InfoSections {
  info: Cursor;
  abbrev: Cursor;
  str?: Cursor;
  lineStr?: Cursor;
  strOffsets?: Cursor;
  addr?: Cursor;
}

function readAbbrevTable(abbrev: Cursor, offset: number): Map<number, Abbrev> {
  const c = abbrev.at(offset, 'abbreviation table offset');
  const table = new Map<number, Abbrev>();
  for (;;) {
    const at = c.pos;
    const code = c.uleb('abbreviation code');
    if (code === 0) break;
    const tag = c.uleb('abbreviation tag');
    const children = c.u8('DW_CHILDREN') !== 0;
    const attrs: AttrSpec[] = [];
    for (;;) {
      const name = c.uleb('attribute name');
      const form = c.uleb('attribute form');
      if (name === 0 && form === 0) break;
      if (!knownForm(form)) c.fail(`abbreviation ${code}: unknown form 0x${form.toString(16)}`, c.pos - 1);
      const implicitConst = form === 0x21 ? c.sleb('DW_FORM_implicit_const value') : 0;
      attrs.push({ name, form, implicitConst });
    }
    if (table.has(code)) c.fail(`abbreviation code ${code} defined twice`, at);
    table.set(code, { tag, children, attrs });
  }
  return table;
}

interface RawDie {
  offset: number;
  tag: number;
  attrs: Map<number, FormValue>;
}

/** Reads every unit of .debug_info. */
export function readCompileUnits(s: InfoSections): CompileUnit[] {
  const units: CompileUnit[] = [];
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  let offset = 0;
  const info = s.info;
  while (offset < info.bytes.length) {
    const c = info.at(offset, 'unit offset');
    let unitLength = c.u32('unit_length');
    const is64 = unitLength === 0xffffffff;
    if (is64) unitLength = c.u64('unit_length');
    else if (unitLength >= 0xfffffff0) c.fail(`reserved unit_length 0x${unitLength.toString(16)}`, offset);
    c.need(unitLength, 'unit');
    const end = c.pos + unitLength;
    c.end = end;
    const version = c.u16('version');
    if (version < 2 || version > 5) c.fail(`unit version ${version} (2 to 5 supported)`, c.pos - 2);
    let unitType = 0x01;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = c.u8('unit_type');
      addressSize = c.u8('address_size');
      abbrevOffset = c.offset(is64, 'debug_abbrev_offset');
      if (unitType === 0x04 || unitType === 0x05) c.skip(8, 'dwo_id');
      else if (unitType === 0x02 || unitType === 0x06) {
        c.skip(8, 'type_signature');
        c.offset(is64, 'type_offset');
      } else if (unitType !== 0x01 && unitType !== 0x03) c.fail(`unit_type 0x${unitType.toString(16)}`, c.pos - 1);
    } else {
      abbrevOffset = c.offset(is64, 'debug_abbrev_offset');
      addressSize = c.u8('address_size');
    }
    if (addressSize !== 4 && addressSize !== 8) c.fail(`address_size ${addressSize}`);
    let abbrevs = abbrevCache.get(abbrevOffset);
    if (!abbrevs) {
      abbrevs = readAbbrevTable(s.abbrev, abbrevOffset);
      abbrevCache.set(abbrevOffset, abbrevs);
    }
    units.push(readUnit(s, c, offset, { is64, addressSize, version }, unitType, abbrevs));
    offset = end;
  }
  return units;
}

function readUnit(
  s: InfoSections,
  c: Cursor,
  unitOffset: number,
  ctx: FormContext,
  unitType: number,
  abbrevs: Map<number, Abbrev>,
): CompileUnit {
  const dies: RawDie[] = [];
  const byOffset = new Map<number, RawDie>();
  let depth = 0;
  while (c.pos < c.end) {
    const dieOffset = c.pos;
    const code = c.uleb('abbreviation code');
    if (code === 0) {
      depth--;
      if (depth <= 0) break;
      continue;
    }
    const ab = abbrevs.get(code);
    if (!ab) c.fail(`abbreviation code ${code} not in the unit's table`, dieOffset);
    const attrs = new Map<number, FormValue>();
    for (const a of ab!.attrs) attrs.set(a.name, readForm(c, a.form, ctx, a.implicitConst));
    const die = { offset: dieOffset, tag: ab!.tag, attrs };
    dies.push(die);
    byOffset.set(dieOffset, die);
    if (ab!.children) depth++;
    else if (depth === 0) break;
  }
  const unit: CompileUnit = {
    offset: unitOffset,
    version: ctx.version,
    unitType,
    addressSize: ctx.addressSize,
    is64: ctx.is64,
    subprograms: [],
  };
  const root = dies[0];
  if (!root) return unit;
  if (root.tag !== DW_TAG_compile_unit && root.tag !== DW_TAG_partial_unit && root.tag !== DW_TAG_skeleton_unit)
    return unit;
  const num = (v: FormValue | undefined): number | undefined => (v && v.k === 'num' ? v.v : undefined);
  const strOffsetsBase = num(root.attrs.get(DW_AT.str_offsets_base)) ?? (s.strOffsets ? (ctx.is64 ? 16 : 8) : 0);
  const addrBase = num(root.attrs.get(DW_AT.addr_base) ?? root.attrs.get(DW_AT.GNU_addr_base)) ?? 8;
  const str = (v: FormValue | undefined, what: string): string | undefined => {
    if (!v) return undefined;
    switch (v.k) {
      case 'str':
        return v.v;
      case 'strp':
        if (!s.str) return c.fail(`${what}: DW_FORM_strp without .debug_str`);
        return stringAt(s.str, v.v, what);
      case 'line_strp':
        if (!s.lineStr) return c.fail(`${what}: DW_FORM_line_strp without .debug_line_str`);
        return stringAt(s.lineStr, v.v, what);
      case 'strx': {
        if (!s.strOffsets || !s.str) return c.fail(`${what}: DW_FORM_strx without .debug_str_offsets`);
        const size = ctx.is64 ? 8 : 4;
        const at = strOffsetsBase + v.v * size;
        const oc = s.strOffsets.at(Math.min(at, s.strOffsets.bytes.length), 'string offset');
        return stringAt(s.str, oc.offset(ctx.is64, `string offset [${v.v}]`), what);
      }
      default:
        return undefined;
    }
  };
  const addr = (v: FormValue | undefined, what: string): number | undefined => {
    if (!v) return undefined;
    if (v.k === 'addr') return v.v;
    if (v.k === 'addrx') {
      if (!s.addr) return c.fail(`${what}: DW_FORM_addrx without .debug_addr`);
      const at = addrBase + v.v * ctx.addressSize;
      return s.addr.at(Math.min(at, s.addr.bytes.length), 'address index').address(ctx.addressSize, `address [${v.v}]`);
    }
    return undefined;
  };
  const highPc = (die: RawDie, low: number | undefined): number | undefined => {
    const v = die.attrs.get(DW_AT.high_pc);
    if (!v) return undefined;
    if (v.k === 'num') return low === undefined ? undefined : low + v.v;
    return addr(v, 'DW_AT_high_pc');
  };
  unit.name = str(root.attrs.get(DW_AT.name), 'DW_AT_name');
  unit.compDir = str(root.attrs.get(DW_AT.comp_dir), 'DW_AT_comp_dir');
  unit.producer = str(root.attrs.get(DW_AT.producer), 'DW_AT_producer');
  unit.language = num(root.attrs.get(DW_AT.language));
  unit.stmtList = num(root.attrs.get(DW_AT.stmt_list));
  unit.lowPc = addr(root.attrs.get(DW_AT.low_pc), 'DW_AT_low_pc');
  unit.highPc = highPc(root, unit.lowPc);

  /** Follows abstract_origin / specification (within the unit, or by .debug_info offset) for a name. */
  const origin = (die: RawDie): RawDie | undefined => {
    const v = die.attrs.get(DW_AT.abstract_origin) ?? die.attrs.get(DW_AT.specification);
    if (!v) return undefined;
    if (v.k === 'ref') return byOffset.get(unitOffset + v.v);
    if (v.k === 'ref_addr') return byOffset.get(v.v);
    return undefined;
  };
  for (const die of dies) {
    if (die.tag !== DW_TAG_subprogram) continue;
    const low = addr(die.attrs.get(DW_AT.low_pc), 'DW_AT_low_pc');
    if (low === undefined) continue;
    const high = highPc(die, low);
    if (high === undefined) continue;
    let named: RawDie | undefined = die;
    let name: string | undefined;
    let declFile: number | undefined;
    let declLine: number | undefined;
    for (let hops = 0; named && hops < 8; hops++) {
      name ??= str(named.attrs.get(DW_AT.name), 'DW_AT_name');
      declFile ??= num(named.attrs.get(DW_AT.decl_file));
      declLine ??= num(named.attrs.get(DW_AT.decl_line));
      named = origin(named);
    }
    unit.subprograms.push({ name: name ?? '', lowPc: low, highPc: high, declFile, declLine, offset: die.offset });
  }
  return unit;
}
