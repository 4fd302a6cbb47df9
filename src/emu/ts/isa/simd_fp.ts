/** (Filled in by the ISA work.) */
import type { InsnDef } from '../decoder.ts';

export const defs: InsnDef[] = [];
