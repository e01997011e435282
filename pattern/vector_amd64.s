#include "textflag.h"

DATA tailconst<>+0(SB)/8, $0x2222222222222222  // '"'
DATA tailconst<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c  // '\\'
DATA tailconst<>+16(SB)/8, $0x2020202020202020 // 0x20
DATA tailconst<>+24(SB)/8, $0x7b7b7b7b7b7b7b7b // '{'
DATA tailconst<>+32(SB)/8, $0x7d7d7d7d7d7d7d7d // '}'
GLOBL tailconst<>(SB), RODATA|NOPTR, $40

// func tailScan(tail []byte, st *tailState, cands *[4]byte, all bool) int
//
// tailScan runs the tail check (stop.go) 32 bytes at a time with AVX2, from
// st.i to the end of tail, which must be at least 32 bytes long. Outside
// strings it counts '{' '[' less '}' ']' in st.net, and it tracks st.inStr
// (0 or 0xffffffff) across blocks. It returns tailDone at the end,
// tailEscape at a backslash, or tailSuspect after a block where a quote is
// followed by one of the bytes in cands (by any byte if all): then st.mask
// has a bit for each such quote, relative to st.at, for the caller to check
// before calling again. (A closing quote is followed by punctuation, so
// testing every quote rather than only those that open a string costs
// nothing.) The last block is the last 32 bytes of tail, less those already
// seen; all its quotes are suspects.
//
// Registers: SI tail base, DX tail length, DI st, BX offset, R8 net, R9
// inStr, R11 blocks counted in the byte accumulators Y10 (opens) and Y11
// (closes). Y1 '"', Y2 '\\', Y3 0x20, Y4 '{', Y5 '}', Y6-Y9 candidate bytes,
// Y12 zero.
TEXT ·tailScan(SB), NOSPLIT, $0-56
	MOVQ tail_base+0(FP), SI
	MOVQ tail_len+8(FP), DX
	MOVQ st+24(FP), DI
	MOVQ 0(DI), BX
	MOVQ 8(DI), R8
	MOVQ 16(DI), R9
	MOVQ cands+32(FP), AX
	VPBROADCASTB 0(AX), Y6
	VPBROADCASTB 1(AX), Y7
	VPBROADCASTB 2(AX), Y8
	VPBROADCASTB 3(AX), Y9

	// Only VEX-encoded instructions from here on: mixing in legacy SSE
	// ones while the upper halves are in use costs a state transition.
	VPBROADCASTQ tailconst<>+0(SB), Y1
	VPBROADCASTQ tailconst<>+8(SB), Y2
	VPBROADCASTQ tailconst<>+16(SB), Y3
	VPBROADCASTQ tailconst<>+24(SB), Y4
	VPBROADCASTQ tailconst<>+32(SB), Y5
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	VPXOR Y12, Y12, Y12
	XORQ R11, R11

loop:
	// Two blocks at a time while neither holds a quote or a backslash and
	// no string is open: count their brackets.
	TESTL R9, R9
	JNZ  block
	LEAQ 65(BX), AX
	CMPQ AX, DX
	JGT  block
	VMOVDQU (SI)(BX*1), Y0
	VMOVDQU 32(SI)(BX*1), Y13
	VPCMPEQB Y1, Y0, Y14
	VPCMPEQB Y1, Y13, Y15
	VPOR Y15, Y14, Y14
	VPCMPEQB Y2, Y0, Y15
	VPOR Y15, Y14, Y14
	VPCMPEQB Y2, Y13, Y15
	VPOR Y15, Y14, Y14
	VPMOVMSKB Y14, AX
	TESTL AX, AX
	JNZ  block
	VPOR Y3, Y0, Y0           // '[' -> '{', ']' -> '}'
	VPOR Y3, Y13, Y13
	VPCMPEQB Y4, Y0, Y14
	VPSUBB Y14, Y10, Y10
	VPCMPEQB Y5, Y0, Y0
	VPSUBB Y0, Y11, Y11
	VPCMPEQB Y4, Y13, Y14
	VPSUBB Y14, Y10, Y10
	VPCMPEQB Y5, Y13, Y13
	VPSUBB Y13, Y11, Y11
	ADDQ $64, BX
	ADDQ $2, R11
	CMPQ R11, $254
	JB   loop
	CALL fold<>(SB)
	JMP  loop

block:
	LEAQ 33(BX), AX
	CMPQ AX, DX
	JGT  last
	VMOVDQU (SI)(BX*1), Y0
	VPCMPEQB Y1, Y0, Y13
	VPMOVMSKB Y13, AX         // quotes
	VPCMPEQB Y2, Y0, Y14
	VPMOVMSKB Y14, CX         // backslashes
	TESTL CX, CX
	JNZ  escape
	VPOR Y3, Y0, Y0
	VPCMPEQB Y4, Y0, Y13      // opens
	VPCMPEQB Y5, Y0, Y0       // closes
	MOVL AX, CX
	ORL  R9, CX
	JNZ  strings
	// No string in this block: count every bracket.
	VPSUBB Y13, Y10, Y10
	VPSUBB Y0, Y11, Y11
	ADDQ $32, BX
	INCQ R11
	CMPQ R11, $255
	JB   loop
	CALL fold<>(SB)
	JMP  loop

strings:
	TESTL AX, AX
	JNZ  quotes
	ADDQ $32, BX              // all inside a string: nothing to count
	JMP  loop
quotes:
	VPMOVMSKB Y13, R12        // opens
	VPMOVMSKB Y0, R13         // closes
	// Suspects: quotes followed by a candidate byte.
	MOVBLZX all+40(FP), R10
	TESTL R10, R10
	JZ   candidates
	MOVL AX, R10
	JMP  brackets
candidates:
	VMOVDQU 1(SI)(BX*1), Y0   // the byte after each position
	VPCMPEQB Y6, Y0, Y13
	VPCMPEQB Y7, Y0, Y14
	VPOR Y14, Y13, Y13
	VPCMPEQB Y8, Y0, Y14
	VPOR Y14, Y13, Y13
	VPCMPEQB Y9, Y0, Y14
	VPOR Y14, Y13, Y13
	VPMOVMSKB Y13, R10
	ANDL AX, R10
brackets:
	MOVL R12, CX
	ORL  R13, CX
	JNZ  masked
	// No bracket: only the parity of the quotes matters.
	MOVL AX, CX
	SHRL $16, CX
	XORL AX, CX
	MOVL CX, AX
	SHRL $8, AX
	XORL AX, CX
	TESTB CX, CX
	SETPC CX                  // odd: a string opened or closed
	MOVBLZX CX, CX
	NEGL CX
	XORL CX, R9
	MOVQ BX, AX
	ADDQ $32, BX
	TESTL R10, R10
	JNZ  suspect
	JMP  loop
masked:
	CALL inside<>(SB)
	CALL count<>(SB)
	MOVQ BX, AX
	ADDQ $32, BX
	TESTL R10, R10
	JNZ  suspect
	JMP  loop

	// The last bytes: the block ending at the end of tail, shifted right
	// past the bytes already seen; its quotes are all suspects.
last:
	MOVQ DX, CX
	SUBQ BX, CX               // bytes left, 0 to 32
	JZ   done
	VMOVDQU -32(SI)(DX*1), Y0
	VPCMPEQB Y1, Y0, Y13
	VPMOVMSKB Y13, AX
	VPCMPEQB Y2, Y0, Y14
	VPMOVMSKB Y14, R10
	VPOR Y3, Y0, Y0
	VPCMPEQB Y4, Y0, Y13
	VPMOVMSKB Y13, R12
	VPCMPEQB Y5, Y0, Y0
	VPMOVMSKB Y0, R13
	NEGQ CX
	ADDQ $32, CX              // bytes seen already
	SHRQ CX, AX
	SHRQ CX, R10
	SHRQ CX, R12
	SHRQ CX, R13
	TESTL R10, R10
	JNZ  escape
	MOVL AX, R10
	CALL inside<>(SB)
	CALL count<>(SB)
	MOVQ BX, AX
	MOVQ DX, BX
	TESTL R10, R10
	JNZ  suspect
	JMP  done

suspect:
	MOVQ R10, 24(DI)          // st.mask
	MOVQ AX, 32(DI)           // st.at
	CALL fold<>(SB)
	MOVQ BX, 0(DI)
	MOVQ R8, 8(DI)
	MOVQ R9, 16(DI)
	VZEROUPPER
	MOVQ $2, ret+48(FP)
	RET

escape:
	VZEROUPPER
	MOVQ $1, ret+48(FP)
	RET

done:
	CALL fold<>(SB)
	MOVQ DX, 0(DI)
	MOVQ R8, 8(DI)
	MOVQ R9, 16(DI)
	VZEROUPPER
	MOVQ $0, ret+48(FP)
	RET

// func seekScan(s []byte, st *seekState, cands *[4]byte) (int, int)
//
// seekScan is seekMember (seek.go) 32 bytes at a time with AVX2, from st,
// while a block and the byte after it are in s. It returns the index and
// seekQuote or seekEnd as seekMember does, or seekMore with st saved where
// the byte loop must go on: near the end, or at a block with a backslash.
//
// Registers: SI s base, DX length, DI st, BX offset, R8 depth, R9 inStr,
// Y1 '"', Y2 '\\', Y3 0x20, Y4 '{', Y5 '}', Y6-Y9 candidate bytes.
TEXT ·seekScan(SB), NOSPLIT, $0-56
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), DX
	MOVQ st+24(FP), DI
	MOVQ 0(DI), BX
	MOVQ 8(DI), R8
	MOVQ 16(DI), R9
	MOVQ cands+32(FP), AX
	VPBROADCASTB 0(AX), Y6
	VPBROADCASTB 1(AX), Y7
	VPBROADCASTB 2(AX), Y8
	VPBROADCASTB 3(AX), Y9
	VPBROADCASTQ tailconst<>+0(SB), Y1
	VPBROADCASTQ tailconst<>+8(SB), Y2
	VPBROADCASTQ tailconst<>+16(SB), Y3
	VPBROADCASTQ tailconst<>+24(SB), Y4
	VPBROADCASTQ tailconst<>+32(SB), Y5

sloop:
	LEAQ 33(BX), AX
	CMPQ AX, DX
	JGT  smore
	VMOVDQU (SI)(BX*1), Y0
	VPCMPEQB Y2, Y0, Y14
	VPMOVMSKB Y14, CX
	TESTL CX, CX
	JNZ  smore                // a backslash: the byte loop takes it from here
	VPCMPEQB Y1, Y0, Y13
	VPMOVMSKB Y13, AX         // quotes
	VPOR Y3, Y0, Y0
	VPCMPEQB Y4, Y0, Y13
	VPMOVMSKB Y13, R12        // opens
	VPCMPEQB Y5, Y0, Y0
	VPMOVMSKB Y0, R13         // closes
	MOVL AX, CX
	ORL  R12, CX
	ORL  R13, CX
	ORL  R9, CX
	JNZ  sblock
	ADDQ $32, BX              // nothing but plain bytes outside strings
	JMP  sloop

sblock:
	MOVL AX, R10
	CALL inside<>(SB)         // CX: bytes inside strings
	ANDL CX, R10              // quotes that open a string
	NOTL CX
	ANDL CX, R12              // brackets outside strings
	ANDL CX, R13
	NOTL CX
	TESTL R10, R10
	JZ   sstate
	VMOVDQU 1(SI)(BX*1), Y0   // the byte after each position
	VPCMPEQB Y6, Y0, Y13
	VPCMPEQB Y7, Y0, Y14
	VPOR Y14, Y13, Y13
	VPCMPEQB Y8, Y0, Y14
	VPOR Y14, Y13, Y13
	VPCMPEQB Y9, Y0, Y14
	VPOR Y14, Y13, Y13
	VPMOVMSKB Y13, R11
	ANDL R11, R10             // string starts followed by a candidate
sstate:
	MOVL CX, R11
	SARL $31, R11             // inside a string after the block
	MOVL R12, AX
	ORL  R13, AX
	JNZ  sbrackets
	TESTQ R8, R8              // no bracket: the depth stays
	JNZ  scommit
	TESTL R10, R10
	JZ   scommit
	BSFL R10, AX
	ADDQ BX, AX
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	MOVQ $0, ret1+48(FP)      // seekQuote
	RET
scommit:
	MOVQ R11, R9
	ADDQ $32, BX
	JMP  sloop

sbrackets:
	// The depth cannot reach the object's level in this block when there
	// are fewer closing brackets than levels below it: count them.
	POPCNTL R13, AX
	CMPQ R8, AX
	JLE  swalk
	POPCNTL R12, CX
	ADDQ CX, R8
	SUBQ AX, R8
	JMP  scommit
swalk:
	// Otherwise take brackets and candidates in order.
	MOVL R12, AX
	ORL  R13, AX
	ORL  R10, AX
swnext:
	TESTL AX, AX
	JZ   scommit
	BSFL AX, CX
	BTRL CX, AX
	BTL  CX, R12
	JCS  sopen
	BTL  CX, R13
	JCS  sclose
	TESTQ R8, R8              // a candidate string start
	JNZ  swnext
	ADDQ BX, CX
	VZEROUPPER
	MOVQ CX, ret+40(FP)
	MOVQ $0, ret1+48(FP)      // seekQuote
	RET
sopen:
	INCQ R8
	JMP  swnext
sclose:
	TESTQ R8, R8
	JZ   send
	DECQ R8
	JMP  swnext
send:
	ADDQ BX, CX
	VZEROUPPER
	MOVQ CX, ret+40(FP)
	MOVQ $1, ret1+48(FP)      // seekEnd
	RET

smore:
	MOVQ BX, 0(DI)
	MOVQ R8, 8(DI)
	MOVQ R9, 16(DI)
	VZEROUPPER
	MOVQ BX, ret+40(FP)
	MOVQ $4, ret1+48(FP)      // seekMore
	RET

// inside sets CX to the bytes of the block inside a string (an opening
// quote counts as inside, a closing one does not): the prefix XOR of the
// quotes in AX, flipped when the block starts inside a string (R9).
// Clobbers AX.
TEXT inside<>(SB), NOSPLIT, $0-0
	MOVL AX, CX
	SHLL $1, AX
	XORL AX, CX
	MOVL CX, AX
	SHLL $2, AX
	XORL AX, CX
	MOVL CX, AX
	SHLL $4, AX
	XORL AX, CX
	MOVL CX, AX
	SHLL $8, AX
	XORL AX, CX
	MOVL CX, AX
	SHLL $16, AX
	XORL AX, CX
	XORL R9, CX
	RET

// count adds to R8 the opens (R12) less the closes (R13) outside strings
// (CX has the bytes inside) and sets R9 from the block's last byte.
// Clobbers AX, R12, R13.
TEXT count<>(SB), NOSPLIT, $0-0
	NOTL CX
	ANDL CX, R12
	ANDL CX, R13
	NOTL CX
opens:
	TESTL R12, R12
	JZ   closes
	INCQ R8
	LEAL -1(R12), AX
	ANDL AX, R12
	JMP  opens
closes:
	TESTL R13, R13
	JZ   instr
	DECQ R8
	LEAL -1(R13), AX
	ANDL AX, R13
	JMP  closes
instr:
	MOVL CX, R9
	SARL $31, R9
	RET

// fold adds the byte accumulators to R8 and clears them.
TEXT fold<>(SB), NOSPLIT, $0-0
	VPSADBW Y12, Y10, Y10
	VPSADBW Y12, Y11, Y11
	VPSUBQ Y11, Y10, Y10
	VEXTRACTI128 $1, Y10, X11
	VPADDQ X11, X10, X10
	VMOVQ X10, AX
	ADDQ AX, R8
	VPSRLDQ $8, X10, X10
	VMOVQ X10, AX
	ADDQ AX, R8
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	XORQ R11, R11
	RET

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() uint32
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, ret+0(FP)
	RET
