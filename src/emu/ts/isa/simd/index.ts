/**
 * Integer, bitwise and permute AdvSIMD (ARMv8.0-A), vector and scalar forms, one module per
 * instruction group of the Arm ARM (C4.1.95 "Data Processing -- Scalar Floating-Point and
 * Advanced SIMD"). Shared lane machinery lives in `lanes.ts`.
 *
 * The order below is the decoder's priority order inside this part of the table; it is the
 * order the entries had when they lived in one module, and the id table
 * (`../ids.generated.ts`) pins it.
 */
import type { InsnDef } from '../../decoder.ts';
import { defs as acrossLanes } from './across_lanes.ts';
import { defs as copy } from './copy.ts';
import { defs as extract } from './extract.ts';
import { defs as indexedElement } from './indexed_element.ts';
import { defs as modifiedImmediate } from './modified_immediate.ts';
import { defs as permute } from './permute.ts';
import { defs as scalarPairwise } from './scalar_pairwise.ts';
import { defs as shiftByImmediate } from './shift_by_immediate.ts';
import { defs as tableLookup } from './table_lookup.ts';
import { defs as threeDifferent } from './three_different.ts';
import { defs as threeSame } from './three_same.ts';
import { defs as twoRegMisc } from './two_reg_misc.ts';

/** Groups by name (the module's file name), in table order. */
export const groups: readonly (readonly [name: string, defs: readonly InsnDef[]])[] = [
  ['copy', copy],
  ['modified_immediate', modifiedImmediate],
  ['shift_by_immediate', shiftByImmediate],
  ['indexed_element', indexedElement],
  ['three_same', threeSame],
  ['three_different', threeDifferent],
  ['two_reg_misc', twoRegMisc],
  ['across_lanes', acrossLanes],
  ['permute', permute],
  ['extract', extract],
  ['table_lookup', tableLookup],
  ['scalar_pairwise', scalarPairwise],
];

export const defs: InsnDef[] = groups.flatMap(([, d]) => d);
