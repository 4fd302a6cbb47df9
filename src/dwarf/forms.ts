/**
 * DW_FORM_* values: how each attribute value is encoded (DWARF 2–5 plus the GNU index forms).
 * Values are read into a small tagged union; indexes (strx, addrx) and string offsets are
 * resolved by the caller, which knows the unit's bases.
 */
import type { Cursor } from './cursor.ts';

export const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

export type FormValue =
  /** Constants, flags, section offsets, list indexes. */
  | { k: 'num'; v: number }
  | { k: 'addr'; v: number }
  | { k: 'addrx'; v: number }
  | { k: 'str'; v: string }
  | { k: 'strp'; v: number }
  | { k: 'line_strp'; v: number }
  | { k: 'strx'; v: number }
  /** A reference relative to the unit's start. */
  | { k: 'ref'; v: number }
  /** A reference relative to .debug_info's start. */
  | { k: 'ref_addr'; v: number }
  | { k: 'block'; v: Uint8Array }
  /** Read and skipped: a form whose value we have no use for (supplementary files, signatures). */
  | { k: 'other' };

export interface FormContext {
  is64: boolean;
  addressSize: number;
  version: number;
}

const OTHER: FormValue = { k: 'other' };

function block(c: Cursor, n: number): FormValue {
  c.need(n, 'block');
  const v = c.bytes.subarray(c.pos, c.pos + n);
  c.pos += n;
  return { k: 'block', v };
}

/** A data8 that may not fit a number: kept when exact, else 'other'. */
function data8(c: Cursor): FormValue {
  c.need(8, 'data8');
  const lo = c.u32('data8');
  const hi = c.u32('data8');
  return hi < 0x200000 ? { k: 'num', v: hi * 0x1_0000_0000 + lo } : OTHER;
}

export function readForm(c: Cursor, form: number, ctx: FormContext, implicitConst = 0, depth = 0): FormValue {
  const F = DW_FORM;
  switch (form) {
    case F.addr:
      return { k: 'addr', v: c.address(ctx.addressSize, 'DW_FORM_addr') };
    case F.block1:
      return block(c, c.u8('DW_FORM_block1 length'));
    case F.block2:
      return block(c, c.u16('DW_FORM_block2 length'));
    case F.block4:
      return block(c, c.u32('DW_FORM_block4 length'));
    case F.block:
    case F.exprloc:
      return block(c, c.uleb('block length'));
    case F.data1:
    case F.ref1:
    case F.flag: {
      const v = c.u8('1-byte value');
      return { k: form === F.ref1 ? 'ref' : 'num', v };
    }
    case F.data2:
    case F.ref2: {
      const v = c.u16('2-byte value');
      return { k: form === F.ref2 ? 'ref' : 'num', v };
    }
    case F.data4:
    case F.ref4: {
      const v = c.u32('4-byte value');
      return { k: form === F.ref4 ? 'ref' : 'num', v };
    }
    case F.data8:
      return data8(c);
    case F.ref8: {
      const v = data8(c);
      return v.k === 'num' ? { k: 'ref', v: v.v } : OTHER;
    }
    case F.ref_sig8:
    case F.ref_sup8:
      c.skip(8, 'signature');
      return OTHER;
    case F.data16:
      return block(c, 16);
    case F.sdata:
      return { k: 'num', v: c.sleb('DW_FORM_sdata') };
    case F.udata:
      return { k: 'num', v: c.uleb('DW_FORM_udata') };
    case F.ref_udata:
      return { k: 'ref', v: c.uleb('DW_FORM_ref_udata') };
    case F.string:
      return { k: 'str', v: c.cstr('DW_FORM_string') };
    case F.strp:
      return { k: 'strp', v: c.offset(ctx.is64, 'DW_FORM_strp') };
    case F.line_strp:
      return { k: 'line_strp', v: c.offset(ctx.is64, 'DW_FORM_line_strp') };
    case F.strp_sup:
    case F.GNU_strp_alt:
    case F.GNU_ref_alt:
      c.offset(ctx.is64, 'supplementary offset');
      return OTHER;
    case F.ref_sup4:
      c.skip(4, 'DW_FORM_ref_sup4');
      return OTHER;
    case F.ref_addr:
      return {
        k: 'ref_addr',
        v: ctx.version <= 2 ? c.address(ctx.addressSize, 'DW_FORM_ref_addr') : c.offset(ctx.is64, 'DW_FORM_ref_addr'),
      };
    case F.sec_offset:
      return { k: 'num', v: c.offset(ctx.is64, 'DW_FORM_sec_offset') };
    case F.flag_present:
      return { k: 'num', v: 1 };
    case F.implicit_const:
      return { k: 'num', v: implicitConst };
    case F.strx:
    case F.GNU_str_index:
      return { k: 'strx', v: c.uleb('DW_FORM_strx') };
    case F.strx1:
      return { k: 'strx', v: c.u8('DW_FORM_strx1') };
    case F.strx2:
      return { k: 'strx', v: c.u16('DW_FORM_strx2') };
    case F.strx3:
      return { k: 'strx', v: c.u24('DW_FORM_strx3') };
    case F.strx4:
      return { k: 'strx', v: c.u32('DW_FORM_strx4') };
    case F.addrx:
    case F.GNU_addr_index:
      return { k: 'addrx', v: c.uleb('DW_FORM_addrx') };
    case F.addrx1:
      return { k: 'addrx', v: c.u8('DW_FORM_addrx1') };
    case F.addrx2:
      return { k: 'addrx', v: c.u16('DW_FORM_addrx2') };
    case F.addrx3:
      return { k: 'addrx', v: c.u24('DW_FORM_addrx3') };
    case F.addrx4:
      return { k: 'addrx', v: c.u32('DW_FORM_addrx4') };
    case F.loclistx:
    case F.rnglistx:
      return { k: 'num', v: c.uleb('list index') };
    case F.indirect: {
      const at = c.pos;
      const inner = c.uleb('DW_FORM_indirect');
      if (inner === F.indirect || inner === F.implicit_const || depth > 0)
        c.fail(`DW_FORM_indirect names form 0x${inner.toString(16)}`, at);
      return readForm(c, inner, ctx, 0, depth + 1);
    }
    default:
      return c.fail(`unknown attribute form 0x${form.toString(16)}`);
  }
}

/** Whether readForm knows `form` (abbreviation tables are checked up front). */
export function knownForm(form: number): boolean {
  return Object.values(DW_FORM).includes(form as never) && form !== 0x02;
}
