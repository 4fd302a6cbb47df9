/**
 * Every instruction id of the ts engine's decode table, in table (priority) order, under the
 * module of src/emu/ts/isa that declares it, with its bit pattern. Many ids are built by loops
 * (SQADD_v is the upper-cased name of a row plus '_v'); this list is where grep finds them.
 *
 * Generated from the table; tests/unit/isa-ids.test.ts fails when it is stale. Rewrite it with
 *   UPDATE_ISA_IDS=1 npx vitest run tests/unit/isa-ids.test.ts
 */
export const INSN_IDS = [
  // system.ts
  'SVC', // 11010100 000 imm16:16 000 01
  'HVC', // 11010100 000 imm16:16 000 10
  'SMC', // 11010100 000 imm16:16 000 11
  'BRK', // 11010100 001 imm16:16 000 00
  'HLT', // 11010100 010 imm16:16 000 00
  'UDF', // 0000000000000000 imm16:16
  'NOP', // 11010101000000110010 0000 000 11111
  'HINT', // 11010101000000110010 crm:4 op2:3 11111
  'CLREX', // 11010101000000110011 crm:4 010 11111
  'DSB', // 11010101000000110011 crm:4 100 11111
  'DMB', // 11010101000000110011 crm:4 101 11111
  'ISB', // 11010101000000110011 crm:4 110 11111
  'FLAGM', // 1101010100000 000 0100 0000 op2:3 11111
  'MSR_imm', // 1101010100000 op1:3 0100 crm:4 op2:3 11111
  'MRS_CNTVCT', // 1101010100 1 1 1 011 1110 0000 010 rt:5
  'MRS_CNTPCT', // 1101010100 1 1 1 011 1110 0000 001 rt:5
  'MRS', // 1101010100 1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5
  'MSR_reg', // 1101010100 0 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5
  'DC_ZVA', // 1101010100 0 01 01101110100001 rt:5
  'IC_IVAU', // 1101010100 0 01 01101110101001 rt:5
  'DC_CVAC', // 1101010100 0 01 01101111010001 rt:5
  'DC_CVAU', // 1101010100 0 01 01101111011001 rt:5
  'DC_CIVAC', // 1101010100 0 01 01101111110001 rt:5
  // branch.ts
  'B', // 000101 imm26:26
  'BL', // 100101 imm26:26
  'B_cond', // 0101010 0 imm19:19 0 cond:4
  'CBZ', // sf:1 011010 0 imm19:19 rt:5
  'CBNZ', // sf:1 011010 1 imm19:19 rt:5
  'TBZ', // b5:1 011011 0 b40:5 imm14:14 rt:5
  'TBNZ', // b5:1 011011 1 b40:5 imm14:14 rt:5
  'BR', // 1101011 0000 11111 000000 rn:5 00000
  'BLR', // 1101011 0001 11111 000000 rn:5 00000
  'RET', // 1101011 0010 11111 000000 rn:5 00000
  // dp_imm.ts
  'ADR', // 0 immlo:2 10000 immhi:19 rd:5
  'ADRP', // 1 immlo:2 10000 immhi:19 rd:5
  'ADD_imm', // sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5
  'ADDS_imm', // sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5
  'SUB_imm', // sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5
  'SUBS_imm', // sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5
  'AND_imm', // sf:1 00 100100 N:1 immr:6 imms:6 rn:5 rd:5
  'ORR_imm', // sf:1 01 100100 N:1 immr:6 imms:6 rn:5 rd:5
  'EOR_imm', // sf:1 10 100100 N:1 immr:6 imms:6 rn:5 rd:5
  'ANDS_imm', // sf:1 11 100100 N:1 immr:6 imms:6 rn:5 rd:5
  'MOVN', // sf:1 00 100101 hw:2 imm16:16 rd:5
  'MOVZ', // sf:1 10 100101 hw:2 imm16:16 rd:5
  'MOVK', // sf:1 11 100101 hw:2 imm16:16 rd:5
  'SBFM', // sf:1 00 100110 N:1 immr:6 imms:6 rn:5 rd:5
  'BFM', // sf:1 01 100110 N:1 immr:6 imms:6 rn:5 rd:5
  'UBFM', // sf:1 10 100110 N:1 immr:6 imms:6 rn:5 rd:5
  'EXTR', // sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5
  // dp_reg.ts
  'AND_reg', // sf:1 00 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'BIC_reg', // sf:1 00 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5
  'ORR_reg', // sf:1 01 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'ORN_reg', // sf:1 01 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5
  'EOR_reg', // sf:1 10 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'EON_reg', // sf:1 10 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5
  'ANDS_reg', // sf:1 11 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'BICS_reg', // sf:1 11 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5
  'ADD_reg', // sf:1 0 0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'ADDS_reg', // sf:1 0 1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'SUB_reg', // sf:1 1 0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'SUBS_reg', // sf:1 1 1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5
  'ADD_ext', // sf:1 0 0 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5
  'ADDS_ext', // sf:1 0 1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5
  'SUB_ext', // sf:1 1 0 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5
  'SUBS_ext', // sf:1 1 1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5
  'ADC', // sf:1 0 0 11010000 rm:5 000000 rn:5 rd:5
  'ADCS', // sf:1 0 1 11010000 rm:5 000000 rn:5 rd:5
  'SBC', // sf:1 1 0 11010000 rm:5 000000 rn:5 rd:5
  'SBCS', // sf:1 1 1 11010000 rm:5 000000 rn:5 rd:5
  'CCMN_reg', // sf:1 0 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4
  'CCMN_imm', // sf:1 0 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4
  'CCMP_reg', // sf:1 1 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4
  'CCMP_imm', // sf:1 1 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4
  'CSEL', // sf:1 0 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5
  'CSINC', // sf:1 0 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5
  'CSINV', // sf:1 1 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5
  'CSNEG', // sf:1 1 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5
  'RBIT', // sf:1 1 0 11010110 00000 000000 rn:5 rd:5
  'REV16', // sf:1 1 0 11010110 00000 000001 rn:5 rd:5
  'REV32', // sf:1 1 0 11010110 00000 000010 rn:5 rd:5
  'REV', // sf:1 1 0 11010110 00000 000011 rn:5 rd:5
  'CLZ', // sf:1 1 0 11010110 00000 000100 rn:5 rd:5
  'CLS', // sf:1 1 0 11010110 00000 000101 rn:5 rd:5
  'UDIV', // sf:1 0 0 11010110 rm:5 000010 rn:5 rd:5
  'SDIV', // sf:1 0 0 11010110 rm:5 000011 rn:5 rd:5
  'LSLV', // sf:1 0 0 11010110 rm:5 001000 rn:5 rd:5
  'LSRV', // sf:1 0 0 11010110 rm:5 001001 rn:5 rd:5
  'ASRV', // sf:1 0 0 11010110 rm:5 001010 rn:5 rd:5
  'RORV', // sf:1 0 0 11010110 rm:5 001011 rn:5 rd:5
  'MADD', // sf:1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5
  'MSUB', // sf:1 00 11011 000 rm:5 1 ra:5 rn:5 rd:5
  'SMADDL', // sf:1 00 11011 001 rm:5 0 ra:5 rn:5 rd:5
  'SMSUBL', // sf:1 00 11011 001 rm:5 1 ra:5 rn:5 rd:5
  'UMADDL', // sf:1 00 11011 101 rm:5 0 ra:5 rn:5 rd:5
  'UMSUBL', // sf:1 00 11011 101 rm:5 1 ra:5 rn:5 rd:5
  'SMULH', // 1 00 11011 010 rm:5 0 ra:5 rn:5 rd:5
  'UMULH', // 1 00 11011 110 rm:5 0 ra:5 rn:5 rd:5
  // ldst.ts
  'LDR_lit', // opc:2 011 v:1 00 imm19:19 rt:5
  'LDST_uimm', // size:2 111 v:1 01 opc:2 imm12:12 rn:5 rt:5
  'LDST_unscaled', // size:2 111 v:1 00 opc:2 0 imm9:9 00 rn:5 rt:5
  'LDST_post', // size:2 111 v:1 00 opc:2 0 imm9:9 01 rn:5 rt:5
  'LDST_unpriv', // size:2 111 v:1 00 opc:2 0 imm9:9 10 rn:5 rt:5
  'LDST_pre', // size:2 111 v:1 00 opc:2 0 imm9:9 11 rn:5 rt:5
  'LDST_reg', // size:2 111 v:1 00 opc:2 1 rm:5 option:3 S:1 10 rn:5 rt:5
  'LDSTNP', // opc:2 101 v:1 0 00 L:1 imm7:7 rt2:5 rn:5 rt:5
  'LDSTP_post', // opc:2 101 v:1 0 01 L:1 imm7:7 rt2:5 rn:5 rt:5
  'LDSTP_off', // opc:2 101 v:1 0 10 L:1 imm7:7 rt2:5 rn:5 rt:5
  'LDSTP_pre', // opc:2 101 v:1 0 11 L:1 imm7:7 rt2:5 rn:5 rt:5
  'STXR', // size:2 001000 000 rs:5 o0:1 xxxxx rn:5 rt:5
  'LDXR', // size:2 001000 010 xxxxx o0:1 xxxxx rn:5 rt:5
  'STXP', // 1 sz:1 001000 001 rs:5 o0:1 rt2:5 rn:5 rt:5
  'LDXP', // 1 sz:1 001000 011 xxxxx o0:1 rt2:5 rn:5 rt:5
  'STLR', // size:2 001000 100 xxxxx 1 xxxxx rn:5 rt:5
  'LDAR', // size:2 001000 110 xxxxx 1 xxxxx rn:5 rt:5
  // simd_ldst.ts
  'SIMD_LDST_MULT', // 0 q:1 001100 0 L:1 0 rm:5 opcode:4 size:2 rn:5 rt:5
  'SIMD_LDST_MULT_post', // 0 q:1 001100 1 L:1 0 rm:5 opcode:4 size:2 rn:5 rt:5
  'SIMD_LDST_LANE', // 0 q:1 001101 0 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5
  'SIMD_LDST_LANE_post', // 0 q:1 001101 1 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5
  'SIMD_LDR', // 0 q:1 001101 0 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5
  'SIMD_LDR_post', // 0 q:1 001101 1 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5
  // fp.ts
  'FMOV_ws', // 0 0 0 11110 00 1 00 110 000000 rn:5 rd:5
  'FMOV_sw', // 0 0 0 11110 00 1 00 111 000000 rn:5 rd:5
  'FMOV_xd', // 1 0 0 11110 01 1 00 110 000000 rn:5 rd:5
  'FMOV_dx', // 1 0 0 11110 01 1 00 111 000000 rn:5 rd:5
  'FMOV_xv1', // 1 0 0 11110 10 1 01 110 000000 rn:5 rd:5
  'FMOV_v1x', // 1 0 0 11110 10 1 01 111 000000 rn:5 rd:5
  'FCVT_to_int', // sf:1 0 0 11110 0 ft:1 1 rmode:2 00 u:1 000000 rn:5 rd:5
  'FCVTA_to_int', // sf:1 0 0 11110 0 ft:1 1 00 10 u:1 000000 rn:5 rd:5
  'FCVTZ_fixed', // sf:1 0 0 11110 0 ft:1 0 11 00 u:1 scale:6 rn:5 rd:5
  'CVTF_from_int', // sf:1 0 0 11110 0 ft:1 1 00 01 u:1 000000 rn:5 rd:5
  'CVTF_fixed', // sf:1 0 0 11110 0 ft:1 0 00 01 u:1 scale:6 rn:5 rd:5
  'FP_DP1', // 0 0 0 11110 0 ft:1 1 0000 op:2 10000 rn:5 rd:5
  'FCVT_prec', // 0 0 0 11110 ft:2 1 0001 opc:2 10000 rn:5 rd:5
  'FRINT', // 0 0 0 11110 0 ft:1 1 001 rm:3 10000 rn:5 rd:5
  'FCMP', // 0 0 0 11110 0 ft:1 1 rm:5 00 1000 rn:5 e:1 z:1 000
  'FCCMP', // 0 0 0 11110 0 ft:1 1 rm:5 cond:4 01 rn:5 e:1 nzcv:4
  'FCSEL', // 0 0 0 11110 0 ft:1 1 rm:5 cond:4 11 rn:5 rd:5
  'FP_DP2', // 0 0 0 11110 0 ft:1 1 rm:5 op:4 10 rn:5 rd:5
  'FMOV_imm', // 0 0 0 11110 0 ft:1 1 imm8:8 100 00000 rd:5
  'FP_DP3', // 0 0 0 11111 0 ft:1 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5
  // crypto.ts
  'AESE', // 01001110 00 10100 00100 10 rn:5 rd:5
  'AESD', // 01001110 00 10100 00101 10 rn:5 rd:5
  'AESMC', // 01001110 00 10100 00110 10 rn:5 rd:5
  'AESIMC', // 01001110 00 10100 00111 10 rn:5 rd:5
  'SHA1C', // 01011110 00 0 rm:5 0 000 00 rn:5 rd:5
  'SHA1P', // 01011110 00 0 rm:5 0 001 00 rn:5 rd:5
  'SHA1M', // 01011110 00 0 rm:5 0 010 00 rn:5 rd:5
  'SHA1SU0', // 01011110 00 0 rm:5 0 011 00 rn:5 rd:5
  'SHA256H', // 01011110 00 0 rm:5 0 100 00 rn:5 rd:5
  'SHA256H2', // 01011110 00 0 rm:5 0 101 00 rn:5 rd:5
  'SHA256SU1', // 01011110 00 0 rm:5 0 110 00 rn:5 rd:5
  'SHA1H', // 01011110 00 10100 00000 10 rn:5 rd:5
  'SHA1SU1', // 01011110 00 10100 00001 10 rn:5 rd:5
  'SHA256SU0', // 01011110 00 10100 00010 10 rn:5 rd:5
  'PMULL_1q', // 0 q:1 0 01110 11 1 rm:5 1110 00 rn:5 rd:5
  'CRC32', // sf:1 0 0 11010110 rm:5 010 c:1 sz:2 rn:5 rd:5
  // simd_fp.ts
  'SIMD_FP_3SAME', // 0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5
  'SIMD_FP_3SAME_scalar', // 01 u:1 11110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5
  'SIMD_FP_MISC', // 0 q:1 u:1 01110 a:1 sz:1 10000 op:5 10 rn:5 rd:5
  'SIMD_FP_MISC_scalar', // 01 u:1 11110 a:1 sz:1 10000 op:5 10 rn:5 rd:5
  'FCVTN', // 0 q:1 u:1 01110 0 sz:1 10000 10110 10 rn:5 rd:5
  'FCVTXN_scalar', // 01 1 11110 0 1 10000 10110 10 rn:5 rd:5
  'FCVTL', // 0 q:1 0 01110 0 sz:1 10000 10111 10 rn:5 rd:5
  'SIMD_FP_PAIR_scalar', // 01 1 11110 a:1 sz:1 11000 op:5 10 rn:5 rd:5
  'SIMD_FP_ACROSS', // 0 1 1 01110 a:1 0 11000 op:5 10 rn:5 rd:5
  'SIMD_FP_ELEM', // 0 q:1 u:1 01111 1 sz:1 l:1 m:1 rm:4 op:4 h:1 0 rn:5 rd:5
  'SIMD_FP_ELEM_scalar', // 01 u:1 11111 1 sz:1 l:1 m:1 rm:4 op:4 h:1 0 rn:5 rd:5
  'SIMD_FP_CVT_fixed', // 0 q:1 u:1 011110 immh:4 immb:3 op:5 1 rn:5 rd:5
  'SIMD_FP_CVT_fixed_scalar', // 01 u:1 111110 immh:4 immb:3 op:5 1 rn:5 rd:5
  'FMOV_vec_imm', // 0 q:1 op:1 0111100000 abc:3 1111 01 defgh:5 rd:5
  // simd/copy.ts
  'DUP_elem_v', // 0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5
  'DUP_elem_s', // 01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5
  'DUP_gen', // 0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5
  'INS_gen', // 0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5
  'INS_elem', // 0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5
  'SMOV', // 0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5
  'UMOV', // 0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5
  // simd/modified_immediate.ts
  'MODIMM', // 0 q:1 op:1 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5
  // simd/shift_by_immediate.ts
  'SSHR_imm_v', // 0 q:1 0 011110 immh:4 immb:3 00000 1 rn:5 rd:5
  'SSHR_imm_s', // 01 0 111110 immh:4 immb:3 00000 1 rn:5 rd:5
  'SSRA_imm_v', // 0 q:1 0 011110 immh:4 immb:3 00010 1 rn:5 rd:5
  'SSRA_imm_s', // 01 0 111110 immh:4 immb:3 00010 1 rn:5 rd:5
  'SRSHR_imm_v', // 0 q:1 0 011110 immh:4 immb:3 00100 1 rn:5 rd:5
  'SRSHR_imm_s', // 01 0 111110 immh:4 immb:3 00100 1 rn:5 rd:5
  'SRSRA_imm_v', // 0 q:1 0 011110 immh:4 immb:3 00110 1 rn:5 rd:5
  'SRSRA_imm_s', // 01 0 111110 immh:4 immb:3 00110 1 rn:5 rd:5
  'SQSHL_imm_v', // 0 q:1 0 011110 immh:4 immb:3 01110 1 rn:5 rd:5
  'SQSHL_imm_s', // 01 0 111110 immh:4 immb:3 01110 1 rn:5 rd:5
  'SSHLL_imm_v', // 0 q:1 0 011110 immh:4 immb:3 10100 1 rn:5 rd:5
  'USHR_imm_v', // 0 q:1 1 011110 immh:4 immb:3 00000 1 rn:5 rd:5
  'USHR_imm_s', // 01 1 111110 immh:4 immb:3 00000 1 rn:5 rd:5
  'USRA_imm_v', // 0 q:1 1 011110 immh:4 immb:3 00010 1 rn:5 rd:5
  'USRA_imm_s', // 01 1 111110 immh:4 immb:3 00010 1 rn:5 rd:5
  'URSHR_imm_v', // 0 q:1 1 011110 immh:4 immb:3 00100 1 rn:5 rd:5
  'URSHR_imm_s', // 01 1 111110 immh:4 immb:3 00100 1 rn:5 rd:5
  'URSRA_imm_v', // 0 q:1 1 011110 immh:4 immb:3 00110 1 rn:5 rd:5
  'URSRA_imm_s', // 01 1 111110 immh:4 immb:3 00110 1 rn:5 rd:5
  'UQSHL_imm_v', // 0 q:1 1 011110 immh:4 immb:3 01110 1 rn:5 rd:5
  'UQSHL_imm_s', // 01 1 111110 immh:4 immb:3 01110 1 rn:5 rd:5
  'USHLL_imm_v', // 0 q:1 1 011110 immh:4 immb:3 10100 1 rn:5 rd:5
  'SHL_imm_v', // 0 q:1 0 011110 immh:4 immb:3 01010 1 rn:5 rd:5
  'SHL_imm_s', // 01 0 111110 immh:4 immb:3 01010 1 rn:5 rd:5
  'SRI_imm_v', // 0 q:1 1 011110 immh:4 immb:3 01000 1 rn:5 rd:5
  'SRI_imm_s', // 01 1 111110 immh:4 immb:3 01000 1 rn:5 rd:5
  'SLI_imm_v', // 0 q:1 1 011110 immh:4 immb:3 01010 1 rn:5 rd:5
  'SLI_imm_s', // 01 1 111110 immh:4 immb:3 01010 1 rn:5 rd:5
  'SQSHLU_imm_v', // 0 q:1 1 011110 immh:4 immb:3 01100 1 rn:5 rd:5
  'SQSHLU_imm_s', // 01 1 111110 immh:4 immb:3 01100 1 rn:5 rd:5
  'SHRN_imm_v', // 0 q:1 0 011110 immh:4 immb:3 10000 1 rn:5 rd:5
  'RSHRN_imm_v', // 0 q:1 0 011110 immh:4 immb:3 10001 1 rn:5 rd:5
  'SQSHRN_imm_v', // 0 q:1 0 011110 immh:4 immb:3 10010 1 rn:5 rd:5
  'SQSHRN_imm_s', // 01 0 111110 immh:4 immb:3 10010 1 rn:5 rd:5
  'SQRSHRN_imm_v', // 0 q:1 0 011110 immh:4 immb:3 10011 1 rn:5 rd:5
  'SQRSHRN_imm_s', // 01 0 111110 immh:4 immb:3 10011 1 rn:5 rd:5
  'SQSHRUN_imm_v', // 0 q:1 1 011110 immh:4 immb:3 10000 1 rn:5 rd:5
  'SQSHRUN_imm_s', // 01 1 111110 immh:4 immb:3 10000 1 rn:5 rd:5
  'SQRSHRUN_imm_v', // 0 q:1 1 011110 immh:4 immb:3 10001 1 rn:5 rd:5
  'SQRSHRUN_imm_s', // 01 1 111110 immh:4 immb:3 10001 1 rn:5 rd:5
  'UQSHRN_imm_v', // 0 q:1 1 011110 immh:4 immb:3 10010 1 rn:5 rd:5
  'UQSHRN_imm_s', // 01 1 111110 immh:4 immb:3 10010 1 rn:5 rd:5
  'UQRSHRN_imm_v', // 0 q:1 1 011110 immh:4 immb:3 10011 1 rn:5 rd:5
  'UQRSHRN_imm_s', // 01 1 111110 immh:4 immb:3 10011 1 rn:5 rd:5
  // simd/indexed_element.ts
  'SMLAL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 0010 h:1 0 rn:5 rd:5
  'SQDMLAL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 0011 h:1 0 rn:5 rd:5
  'SQDMLAL_elem_s', // 01 0 11111 size:2 l:1 mh:1 rm:4 0011 h:1 0 rn:5 rd:5
  'SMLSL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 0110 h:1 0 rn:5 rd:5
  'SQDMLSL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 0111 h:1 0 rn:5 rd:5
  'SQDMLSL_elem_s', // 01 0 11111 size:2 l:1 mh:1 rm:4 0111 h:1 0 rn:5 rd:5
  'MUL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 1000 h:1 0 rn:5 rd:5
  'SMULL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 1010 h:1 0 rn:5 rd:5
  'SQDMULL_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 1011 h:1 0 rn:5 rd:5
  'SQDMULL_elem_s', // 01 0 11111 size:2 l:1 mh:1 rm:4 1011 h:1 0 rn:5 rd:5
  'SQDMULH_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 1100 h:1 0 rn:5 rd:5
  'SQDMULH_elem_s', // 01 0 11111 size:2 l:1 mh:1 rm:4 1100 h:1 0 rn:5 rd:5
  'SQRDMULH_elem_v', // 0 q:1 0 01111 size:2 l:1 mh:1 rm:4 1101 h:1 0 rn:5 rd:5
  'SQRDMULH_elem_s', // 01 0 11111 size:2 l:1 mh:1 rm:4 1101 h:1 0 rn:5 rd:5
  'MLA_elem_v', // 0 q:1 1 01111 size:2 l:1 mh:1 rm:4 0000 h:1 0 rn:5 rd:5
  'UMLAL_elem_v', // 0 q:1 1 01111 size:2 l:1 mh:1 rm:4 0010 h:1 0 rn:5 rd:5
  'MLS_elem_v', // 0 q:1 1 01111 size:2 l:1 mh:1 rm:4 0100 h:1 0 rn:5 rd:5
  'UMLSL_elem_v', // 0 q:1 1 01111 size:2 l:1 mh:1 rm:4 0110 h:1 0 rn:5 rd:5
  'UMULL_elem_v', // 0 q:1 1 01111 size:2 l:1 mh:1 rm:4 1010 h:1 0 rn:5 rd:5
  // simd/three_same.ts
  'SHADD_v', // 0 q:1 0 01110 size:2 1 rm:5 00000 1 rn:5 rd:5
  'UHADD_v', // 0 q:1 1 01110 size:2 1 rm:5 00000 1 rn:5 rd:5
  'SQADD_v', // 0 q:1 0 01110 size:2 1 rm:5 00001 1 rn:5 rd:5
  'SQADD_s', // 01 0 11110 size:2 1 rm:5 00001 1 rn:5 rd:5
  'UQADD_v', // 0 q:1 1 01110 size:2 1 rm:5 00001 1 rn:5 rd:5
  'UQADD_s', // 01 1 11110 size:2 1 rm:5 00001 1 rn:5 rd:5
  'SRHADD_v', // 0 q:1 0 01110 size:2 1 rm:5 00010 1 rn:5 rd:5
  'URHADD_v', // 0 q:1 1 01110 size:2 1 rm:5 00010 1 rn:5 rd:5
  'SHSUB_v', // 0 q:1 0 01110 size:2 1 rm:5 00100 1 rn:5 rd:5
  'UHSUB_v', // 0 q:1 1 01110 size:2 1 rm:5 00100 1 rn:5 rd:5
  'SQSUB_v', // 0 q:1 0 01110 size:2 1 rm:5 00101 1 rn:5 rd:5
  'SQSUB_s', // 01 0 11110 size:2 1 rm:5 00101 1 rn:5 rd:5
  'UQSUB_v', // 0 q:1 1 01110 size:2 1 rm:5 00101 1 rn:5 rd:5
  'UQSUB_s', // 01 1 11110 size:2 1 rm:5 00101 1 rn:5 rd:5
  'CMGT_v', // 0 q:1 0 01110 size:2 1 rm:5 00110 1 rn:5 rd:5
  'CMGT_s', // 01 0 11110 size:2 1 rm:5 00110 1 rn:5 rd:5
  'CMHI_v', // 0 q:1 1 01110 size:2 1 rm:5 00110 1 rn:5 rd:5
  'CMHI_s', // 01 1 11110 size:2 1 rm:5 00110 1 rn:5 rd:5
  'CMGE_v', // 0 q:1 0 01110 size:2 1 rm:5 00111 1 rn:5 rd:5
  'CMGE_s', // 01 0 11110 size:2 1 rm:5 00111 1 rn:5 rd:5
  'CMHS_v', // 0 q:1 1 01110 size:2 1 rm:5 00111 1 rn:5 rd:5
  'CMHS_s', // 01 1 11110 size:2 1 rm:5 00111 1 rn:5 rd:5
  'SSHL_v', // 0 q:1 0 01110 size:2 1 rm:5 01000 1 rn:5 rd:5
  'SSHL_s', // 01 0 11110 size:2 1 rm:5 01000 1 rn:5 rd:5
  'USHL_v', // 0 q:1 1 01110 size:2 1 rm:5 01000 1 rn:5 rd:5
  'USHL_s', // 01 1 11110 size:2 1 rm:5 01000 1 rn:5 rd:5
  'SQSHL_v', // 0 q:1 0 01110 size:2 1 rm:5 01001 1 rn:5 rd:5
  'SQSHL_s', // 01 0 11110 size:2 1 rm:5 01001 1 rn:5 rd:5
  'UQSHL_v', // 0 q:1 1 01110 size:2 1 rm:5 01001 1 rn:5 rd:5
  'UQSHL_s', // 01 1 11110 size:2 1 rm:5 01001 1 rn:5 rd:5
  'SRSHL_v', // 0 q:1 0 01110 size:2 1 rm:5 01010 1 rn:5 rd:5
  'SRSHL_s', // 01 0 11110 size:2 1 rm:5 01010 1 rn:5 rd:5
  'URSHL_v', // 0 q:1 1 01110 size:2 1 rm:5 01010 1 rn:5 rd:5
  'URSHL_s', // 01 1 11110 size:2 1 rm:5 01010 1 rn:5 rd:5
  'SQRSHL_v', // 0 q:1 0 01110 size:2 1 rm:5 01011 1 rn:5 rd:5
  'SQRSHL_s', // 01 0 11110 size:2 1 rm:5 01011 1 rn:5 rd:5
  'UQRSHL_v', // 0 q:1 1 01110 size:2 1 rm:5 01011 1 rn:5 rd:5
  'UQRSHL_s', // 01 1 11110 size:2 1 rm:5 01011 1 rn:5 rd:5
  'SMAX_v', // 0 q:1 0 01110 size:2 1 rm:5 01100 1 rn:5 rd:5
  'UMAX_v', // 0 q:1 1 01110 size:2 1 rm:5 01100 1 rn:5 rd:5
  'SMIN_v', // 0 q:1 0 01110 size:2 1 rm:5 01101 1 rn:5 rd:5
  'UMIN_v', // 0 q:1 1 01110 size:2 1 rm:5 01101 1 rn:5 rd:5
  'SABD_v', // 0 q:1 0 01110 size:2 1 rm:5 01110 1 rn:5 rd:5
  'UABD_v', // 0 q:1 1 01110 size:2 1 rm:5 01110 1 rn:5 rd:5
  'SABA_v', // 0 q:1 0 01110 size:2 1 rm:5 01111 1 rn:5 rd:5
  'UABA_v', // 0 q:1 1 01110 size:2 1 rm:5 01111 1 rn:5 rd:5
  'ADD_v', // 0 q:1 0 01110 size:2 1 rm:5 10000 1 rn:5 rd:5
  'ADD_s', // 01 0 11110 size:2 1 rm:5 10000 1 rn:5 rd:5
  'SUB_v', // 0 q:1 1 01110 size:2 1 rm:5 10000 1 rn:5 rd:5
  'SUB_s', // 01 1 11110 size:2 1 rm:5 10000 1 rn:5 rd:5
  'CMTST_v', // 0 q:1 0 01110 size:2 1 rm:5 10001 1 rn:5 rd:5
  'CMTST_s', // 01 0 11110 size:2 1 rm:5 10001 1 rn:5 rd:5
  'CMEQ_v', // 0 q:1 1 01110 size:2 1 rm:5 10001 1 rn:5 rd:5
  'CMEQ_s', // 01 1 11110 size:2 1 rm:5 10001 1 rn:5 rd:5
  'MLA_v', // 0 q:1 0 01110 size:2 1 rm:5 10010 1 rn:5 rd:5
  'MLS_v', // 0 q:1 1 01110 size:2 1 rm:5 10010 1 rn:5 rd:5
  'MUL_v', // 0 q:1 0 01110 size:2 1 rm:5 10011 1 rn:5 rd:5
  'PMUL_v', // 0 q:1 1 01110 size:2 1 rm:5 10011 1 rn:5 rd:5
  'SMAXP_v', // 0 q:1 0 01110 size:2 1 rm:5 10100 1 rn:5 rd:5
  'UMAXP_v', // 0 q:1 1 01110 size:2 1 rm:5 10100 1 rn:5 rd:5
  'SMINP_v', // 0 q:1 0 01110 size:2 1 rm:5 10101 1 rn:5 rd:5
  'UMINP_v', // 0 q:1 1 01110 size:2 1 rm:5 10101 1 rn:5 rd:5
  'SQDMULH_v', // 0 q:1 0 01110 size:2 1 rm:5 10110 1 rn:5 rd:5
  'SQDMULH_s', // 01 0 11110 size:2 1 rm:5 10110 1 rn:5 rd:5
  'SQRDMULH_v', // 0 q:1 1 01110 size:2 1 rm:5 10110 1 rn:5 rd:5
  'SQRDMULH_s', // 01 1 11110 size:2 1 rm:5 10110 1 rn:5 rd:5
  'ADDP_v', // 0 q:1 0 01110 size:2 1 rm:5 10111 1 rn:5 rd:5
  'AND_v', // 0 q:1 0 01110 00 1 rm:5 00011 1 rn:5 rd:5
  'BIC_v', // 0 q:1 0 01110 01 1 rm:5 00011 1 rn:5 rd:5
  'ORR_v', // 0 q:1 0 01110 10 1 rm:5 00011 1 rn:5 rd:5
  'ORN_v', // 0 q:1 0 01110 11 1 rm:5 00011 1 rn:5 rd:5
  'EOR_v', // 0 q:1 1 01110 00 1 rm:5 00011 1 rn:5 rd:5
  'BSL_v', // 0 q:1 1 01110 01 1 rm:5 00011 1 rn:5 rd:5
  'BIT_v', // 0 q:1 1 01110 10 1 rm:5 00011 1 rn:5 rd:5
  'BIF_v', // 0 q:1 1 01110 11 1 rm:5 00011 1 rn:5 rd:5
  // simd/three_different.ts
  'SADDL_v', // 0 q:1 0 01110 size:2 1 rm:5 0000 00 rn:5 rd:5
  'SADDW_v', // 0 q:1 0 01110 size:2 1 rm:5 0001 00 rn:5 rd:5
  'SSUBL_v', // 0 q:1 0 01110 size:2 1 rm:5 0010 00 rn:5 rd:5
  'SSUBW_v', // 0 q:1 0 01110 size:2 1 rm:5 0011 00 rn:5 rd:5
  'ADDHN_v', // 0 q:1 0 01110 size:2 1 rm:5 0100 00 rn:5 rd:5
  'SABAL_v', // 0 q:1 0 01110 size:2 1 rm:5 0101 00 rn:5 rd:5
  'SUBHN_v', // 0 q:1 0 01110 size:2 1 rm:5 0110 00 rn:5 rd:5
  'SABDL_v', // 0 q:1 0 01110 size:2 1 rm:5 0111 00 rn:5 rd:5
  'SMLAL_v', // 0 q:1 0 01110 size:2 1 rm:5 1000 00 rn:5 rd:5
  'SMLSL_v', // 0 q:1 0 01110 size:2 1 rm:5 1010 00 rn:5 rd:5
  'SMULL_v', // 0 q:1 0 01110 size:2 1 rm:5 1100 00 rn:5 rd:5
  'UADDL_v', // 0 q:1 1 01110 size:2 1 rm:5 0000 00 rn:5 rd:5
  'UADDW_v', // 0 q:1 1 01110 size:2 1 rm:5 0001 00 rn:5 rd:5
  'USUBL_v', // 0 q:1 1 01110 size:2 1 rm:5 0010 00 rn:5 rd:5
  'USUBW_v', // 0 q:1 1 01110 size:2 1 rm:5 0011 00 rn:5 rd:5
  'RADDHN_v', // 0 q:1 1 01110 size:2 1 rm:5 0100 00 rn:5 rd:5
  'UABAL_v', // 0 q:1 1 01110 size:2 1 rm:5 0101 00 rn:5 rd:5
  'RSUBHN_v', // 0 q:1 1 01110 size:2 1 rm:5 0110 00 rn:5 rd:5
  'UABDL_v', // 0 q:1 1 01110 size:2 1 rm:5 0111 00 rn:5 rd:5
  'UMLAL_v', // 0 q:1 1 01110 size:2 1 rm:5 1000 00 rn:5 rd:5
  'UMLSL_v', // 0 q:1 1 01110 size:2 1 rm:5 1010 00 rn:5 rd:5
  'UMULL_v', // 0 q:1 1 01110 size:2 1 rm:5 1100 00 rn:5 rd:5
  'SQDMLAL_v', // 0 q:1 0 01110 size:2 1 rm:5 1001 00 rn:5 rd:5
  'SQDMLAL_s', // 01 0 11110 size:2 1 rm:5 1001 00 rn:5 rd:5
  'SQDMLSL_v', // 0 q:1 0 01110 size:2 1 rm:5 1011 00 rn:5 rd:5
  'SQDMLSL_s', // 01 0 11110 size:2 1 rm:5 1011 00 rn:5 rd:5
  'SQDMULL_v', // 0 q:1 0 01110 size:2 1 rm:5 1101 00 rn:5 rd:5
  'SQDMULL_s', // 01 0 11110 size:2 1 rm:5 1101 00 rn:5 rd:5
  'PMULL_v', // 0 q:1 0 01110 size:2 1 rm:5 1110 00 rn:5 rd:5
  // simd/two_reg_misc.ts
  'SUQADD_v', // 0 q:1 0 01110 size:2 10000 00011 10 rn:5 rd:5
  'SUQADD_s', // 01 0 11110 size:2 10000 00011 10 rn:5 rd:5
  'USQADD_v', // 0 q:1 1 01110 size:2 10000 00011 10 rn:5 rd:5
  'USQADD_s', // 01 1 11110 size:2 10000 00011 10 rn:5 rd:5
  'CLS_v', // 0 q:1 0 01110 size:2 10000 00100 10 rn:5 rd:5
  'CLZ_v', // 0 q:1 1 01110 size:2 10000 00100 10 rn:5 rd:5
  'CNT_v', // 0 q:1 0 01110 size:2 10000 00101 10 rn:5 rd:5
  'SQABS_v', // 0 q:1 0 01110 size:2 10000 00111 10 rn:5 rd:5
  'SQABS_s', // 01 0 11110 size:2 10000 00111 10 rn:5 rd:5
  'SQNEG_v', // 0 q:1 1 01110 size:2 10000 00111 10 rn:5 rd:5
  'SQNEG_s', // 01 1 11110 size:2 10000 00111 10 rn:5 rd:5
  'CMGT_zv', // 0 q:1 0 01110 size:2 10000 01000 10 rn:5 rd:5
  'CMGT_zs', // 01 0 11110 size:2 10000 01000 10 rn:5 rd:5
  'CMGE_zv', // 0 q:1 1 01110 size:2 10000 01000 10 rn:5 rd:5
  'CMGE_zs', // 01 1 11110 size:2 10000 01000 10 rn:5 rd:5
  'CMEQ_zv', // 0 q:1 0 01110 size:2 10000 01001 10 rn:5 rd:5
  'CMEQ_zs', // 01 0 11110 size:2 10000 01001 10 rn:5 rd:5
  'CMLE_zv', // 0 q:1 1 01110 size:2 10000 01001 10 rn:5 rd:5
  'CMLE_zs', // 01 1 11110 size:2 10000 01001 10 rn:5 rd:5
  'CMLT_zv', // 0 q:1 0 01110 size:2 10000 01010 10 rn:5 rd:5
  'CMLT_zs', // 01 0 11110 size:2 10000 01010 10 rn:5 rd:5
  'ABS_v', // 0 q:1 0 01110 size:2 10000 01011 10 rn:5 rd:5
  'ABS_s', // 01 0 11110 size:2 10000 01011 10 rn:5 rd:5
  'NEG_v', // 0 q:1 1 01110 size:2 10000 01011 10 rn:5 rd:5
  'NEG_s', // 01 1 11110 size:2 10000 01011 10 rn:5 rd:5
  'REV64_v', // 0 q:1 0 01110 size:2 10000 00000 10 rn:5 rd:5
  'REV32_v', // 0 q:1 1 01110 size:2 10000 00000 10 rn:5 rd:5
  'REV16_v', // 0 q:1 0 01110 size:2 10000 00001 10 rn:5 rd:5
  'NOT_v', // 0 q:1 1 01110 00 10000 00101 10 rn:5 rd:5
  'RBIT_v', // 0 q:1 1 01110 01 10000 00101 10 rn:5 rd:5
  'SADDLP_v', // 0 q:1 0 01110 size:2 10000 00010 10 rn:5 rd:5
  'UADDLP_v', // 0 q:1 1 01110 size:2 10000 00010 10 rn:5 rd:5
  'SADALP_v', // 0 q:1 0 01110 size:2 10000 00110 10 rn:5 rd:5
  'UADALP_v', // 0 q:1 1 01110 size:2 10000 00110 10 rn:5 rd:5
  'XTN_v', // 0 q:1 0 01110 size:2 10000 10010 10 rn:5 rd:5
  'SQXTUN_v', // 0 q:1 1 01110 size:2 10000 10010 10 rn:5 rd:5
  'SQXTUN_s', // 01 1 11110 size:2 10000 10010 10 rn:5 rd:5
  'SQXTN_v', // 0 q:1 0 01110 size:2 10000 10100 10 rn:5 rd:5
  'SQXTN_s', // 01 0 11110 size:2 10000 10100 10 rn:5 rd:5
  'UQXTN_v', // 0 q:1 1 01110 size:2 10000 10100 10 rn:5 rd:5
  'UQXTN_s', // 01 1 11110 size:2 10000 10100 10 rn:5 rd:5
  'SHLL_v', // 0 q:1 1 01110 size:2 10000 10011 10 rn:5 rd:5
  'URECPE_v', // 0 q:1 0 01110 10 10000 11100 10 rn:5 rd:5
  'URSQRTE_v', // 0 q:1 1 01110 10 10000 11100 10 rn:5 rd:5
  // simd/across_lanes.ts
  'SADDLV', // 0 q:1 0 01110 size:2 11000 00011 10 rn:5 rd:5
  'UADDLV', // 0 q:1 1 01110 size:2 11000 00011 10 rn:5 rd:5
  'SMAXV', // 0 q:1 0 01110 size:2 11000 01010 10 rn:5 rd:5
  'UMAXV', // 0 q:1 1 01110 size:2 11000 01010 10 rn:5 rd:5
  'SMINV', // 0 q:1 0 01110 size:2 11000 11010 10 rn:5 rd:5
  'UMINV', // 0 q:1 1 01110 size:2 11000 11010 10 rn:5 rd:5
  'ADDV', // 0 q:1 0 01110 size:2 11000 11011 10 rn:5 rd:5
  // simd/permute.ts
  'UZP1', // 0 q:1 001110 size:2 0 rm:5 0 001 10 rn:5 rd:5
  'TRN1', // 0 q:1 001110 size:2 0 rm:5 0 010 10 rn:5 rd:5
  'ZIP1', // 0 q:1 001110 size:2 0 rm:5 0 011 10 rn:5 rd:5
  'UZP2', // 0 q:1 001110 size:2 0 rm:5 0 101 10 rn:5 rd:5
  'TRN2', // 0 q:1 001110 size:2 0 rm:5 0 110 10 rn:5 rd:5
  'ZIP2', // 0 q:1 001110 size:2 0 rm:5 0 111 10 rn:5 rd:5
  // simd/extract.ts
  'EXT', // 0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5
  // simd/table_lookup.ts
  'TBL_TBX', // 0 q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5
  // simd/scalar_pairwise.ts
  'ADDP_s', // 01 0 11110 11 11000 11011 10 rn:5 rd:5
] as const;

export type InsnId = (typeof INSN_IDS)[number];
