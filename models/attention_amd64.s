#include "textflag.h"

// func streamCopy32(dst, src *float32, n int)
//
// Copies n float32 from src to dst with non-temporal stores (VMOVNTPS) once
// dst is 32-byte aligned: the lines are written to memory without being read
// into the cache first. The stores are weakly ordered: SFENCE at the end makes
// them visible before any later store (such as the pool's count of finished
// work), so another core that sees that store reads the copied values.
TEXT ·streamCopy32(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

head:
	TESTQ CX, CX
	JZ    done
	TESTQ $31, DI
	JZ    body
	MOVL  (SI), AX
	MOVL  AX, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   head

body:
	CMPQ CX, $32
	JL   body8

loop32:
	VMOVUPS  (SI), Y0
	VMOVUPS  32(SI), Y1
	VMOVUPS  64(SI), Y2
	VMOVUPS  96(SI), Y3
	VMOVNTPS Y0, (DI)
	VMOVNTPS Y1, 32(DI)
	VMOVNTPS Y2, 64(DI)
	VMOVNTPS Y3, 96(DI)
	ADDQ     $128, SI
	ADDQ     $128, DI
	SUBQ     $32, CX
	CMPQ     CX, $32
	JGE      loop32

body8:
	CMPQ     CX, $8
	JL       tail
	VMOVUPS  (SI), Y0
	VMOVNTPS Y0, (DI)
	ADDQ     $32, SI
	ADDQ     $32, DI
	SUBQ     $8, CX
	JMP      body8

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  (SI), AX
	MOVL  AX, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   tail

done:
	SFENCE
	VZEROUPPER
	RET
