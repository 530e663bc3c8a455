// AVX2 kernels of the selective scan S6 (s6.go) for float32: one time step
// of a block of channels, vectorised over the state size N (8 lanes, the
// tail masked).

#include "textflag.h"
#include "vmath_amd64.h"

DATA maskTail<>+0(SB)/8, $-1
DATA maskTail<>+8(SB)/8, $-1
DATA maskTail<>+16(SB)/8, $-1
DATA maskTail<>+24(SB)/8, $-1
DATA maskTail<>+32(SB)/8, $0
DATA maskTail<>+40(SB)/8, $0
DATA maskTail<>+48(SB)/8, $0
DATA maskTail<>+56(SB)/8, $0
GLOBL maskTail<>(SB), RODATA|NOPTR, $64

// HSUM8(Y, X, T): lane 0 of X = the sum of Y's lanes, in a fixed order.
#define HSUM8(Yr, Xr, Tx) \
	VEXTRACTF128 $1, Yr, Tx; \
	VADDPS Tx, Xr, Xr; \
	VHADDPS Xr, Xr, Xr; \
	VHADDPS Xr, Xr, Xr

// func s6FwdAVX(h, hp, a, bt, ct, delta, u, dskip, y *float32, ne, n, first int)
// For channels e < ne (h, hp, a advance N per channel; delta, u, dskip, y
// one): h = e^{Δ·A}·h_{t−1} + Δ·u·B_t (h = Δ·u·B_t when first ≠ 0),
// y = C_t·h + D·u.
TEXT ·s6FwdAVX(SB), NOSPLIT, $0-96
	MOVQ h+0(FP), DI
	MOVQ hp+8(FP), SI
	MOVQ a+16(FP), DX
	MOVQ bt+24(FP), R8
	MOVQ ct+32(FP), R9
	MOVQ delta+40(FP), R10
	MOVQ u+48(FP), R11
	MOVQ dskip+56(FP), R12
	MOVQ y+64(FP), R13
	MOVQ n+80(FP), BX
	MOVQ BX, AX
	ANDQ $7, AX
	SHLQ $2, AX
	LEAQ maskTail<>+32(SB), CX
	SUBQ AX, CX
	VMOVDQU (CX), Y15
	SHLQ $2, BX                 // N·4 bytes
	MOVQ ne+72(FP), CX
fwdE:
	TESTQ CX, CX
	JEQ fwdDone
	VBROADCASTSS (R10), Y10     // Δ
	VBROADCASTSS (R11), Y11     // u
	VMULPS Y11, Y10, Y12        // Δ·u
	VXORPS Y13, Y13, Y13        // Σ C·h
	XORQ AX, AX
fwdN:
	LEAQ 32(AX), R14
	CMPQ R14, BX
	JGT fwdTail
	VMULPS (R8)(AX*1), Y12, Y0  // Δu·B
	CMPQ first+88(FP), $0
	JNE fwdFirst
	VMULPS (DX)(AX*1), Y10, Y1
	EXP8(Y1, Y2, Y3, Y4)
	VFMADD231PS (SI)(AX*1), Y1, Y0
fwdFirst:
	VMOVUPS Y0, (DI)(AX*1)
	VFMADD231PS (R9)(AX*1), Y0, Y13
	MOVQ R14, AX
	JMP fwdN
fwdTail:
	CMPQ AX, BX
	JEQ fwdSum
	LEAQ (R8)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y5
	VMULPS Y5, Y12, Y0
	CMPQ first+88(FP), $0
	JNE fwdFirstT
	LEAQ (DX)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y1
	VMULPS Y1, Y10, Y1
	EXP8(Y1, Y2, Y3, Y4)
	LEAQ (SI)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y5
	VFMADD231PS Y5, Y1, Y0
fwdFirstT:
	LEAQ (DI)(AX*1), R14
	VMASKMOVPS Y0, Y15, (R14)
	LEAQ (R9)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y5
	VFMADD231PS Y5, Y0, Y13
fwdSum:
	HSUM8(Y13, X13, X1)
	VMOVSS (R12), X1
	VFMADD231SS X11, X1, X13    // + D·u
	VMOVSS X13, (R13)
	ADDQ BX, DI
	ADDQ BX, SI
	ADDQ BX, DX
	ADDQ $4, R10
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	DECQ CX
	JMP fwdE
fwdDone:
	VZEROUPPER
	RET

// func s6BwdAVX(gc, pa, h, hp, a, bt, ct, pB, pC, delta, u, dy, dskip, dU, dDelta, pD *float32, ne, n, first int)
// One step of s6.backward for channels e < ne (gc, pa, h, hp, a advance N
// per channel; delta … pD one; bt, ct, pB, pC are shared): with
// g = gc + dy·C_t: pC += dy·h, pB += g·Δu, gB = Σ g·B_t; unless first,
// with ab = e^{Δ·A}: gah = g·ab·h_{t−1}, dd = Σ gah·A, pa += gah·Δ,
// gc = g·ab. Then dU = 0 + (Δ·gB + D·dy), dΔ = 0 + (dd + gB·u), pD += dy·u.
TEXT ·s6BwdAVX(SB), NOSPLIT, $0-152
	MOVQ gc+0(FP), DI
	MOVQ pa+8(FP), SI
	MOVQ h+16(FP), DX
	MOVQ hp+24(FP), R8
	MOVQ a+32(FP), R9
	MOVQ bt+40(FP), R10
	MOVQ ct+48(FP), R11
	MOVQ pB+56(FP), R12
	MOVQ pC+64(FP), R13
	MOVQ n+136(FP), BX
	MOVQ BX, AX
	ANDQ $7, AX
	SHLQ $2, AX
	LEAQ maskTail<>+32(SB), CX
	SUBQ AX, CX
	VMOVDQU (CX), Y15
	SHLQ $2, BX
	XORQ CX, CX                 // e
bwdE:
	CMPQ CX, ne+128(FP)
	JGE bwdDone
	MOVQ delta+72(FP), R14
	VBROADCASTSS (R14)(CX*4), Y10   // Δ
	MOVQ u+80(FP), R14
	VBROADCASTSS (R14)(CX*4), Y9    // u
	MOVQ dy+88(FP), R14
	VBROADCASTSS (R14)(CX*4), Y11   // dy
	VMULPS Y9, Y10, Y12             // Δu
	VXORPS Y13, Y13, Y13            // gB
	VXORPS Y14, Y14, Y14            // dd
	XORQ AX, AX
bwdN:
	LEAQ 32(AX), R14
	CMPQ R14, BX
	JGT bwdTail
	VMOVUPS (DI)(AX*1), Y1
	VFMADD231PS (R11)(AX*1), Y11, Y1  // g = gc + dy·C
	VMOVUPS (R13)(AX*1), Y2
	VFMADD231PS (DX)(AX*1), Y11, Y2   // pC += dy·h
	VMOVUPS Y2, (R13)(AX*1)
	VMOVUPS (R12)(AX*1), Y2
	VFMADD231PS Y12, Y1, Y2           // pB += g·Δu
	VMOVUPS Y2, (R12)(AX*1)
	VFMADD231PS (R10)(AX*1), Y1, Y13  // gB += g·B
	CMPQ first+144(FP), $0
	JNE bwdNext
	VMULPS (R9)(AX*1), Y10, Y4
	EXP8(Y4, Y5, Y6, Y7)              // ab
	VMULPS Y4, Y1, Y1                 // g·ab
	VMOVUPS Y1, (DI)(AX*1)            // gc = g·ab
	VMULPS (R8)(AX*1), Y1, Y1         // gah
	VFMADD231PS (R9)(AX*1), Y1, Y14   // dd += gah·A
	VMOVUPS (SI)(AX*1), Y2
	VFMADD231PS Y10, Y1, Y2           // pa += gah·Δ
	VMOVUPS Y2, (SI)(AX*1)
bwdNext:
	LEAQ 32(AX), AX
	JMP bwdN
bwdTail:
	CMPQ AX, BX
	JEQ bwdSum
	LEAQ (DI)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y1
	LEAQ (R11)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y3
	VFMADD231PS Y3, Y11, Y1
	LEAQ (R13)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y2
	LEAQ (DX)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y3
	VFMADD231PS Y3, Y11, Y2
	LEAQ (R13)(AX*1), R14
	VMASKMOVPS Y2, Y15, (R14)
	LEAQ (R12)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y2
	VFMADD231PS Y12, Y1, Y2
	VMASKMOVPS Y2, Y15, (R14)
	LEAQ (R10)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y3
	VFMADD231PS Y3, Y1, Y13
	CMPQ first+144(FP), $0
	JNE bwdSum
	LEAQ (R9)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y8         // A
	VMULPS Y8, Y10, Y4
	EXP8(Y4, Y5, Y6, Y7)
	VMULPS Y4, Y1, Y1
	LEAQ (DI)(AX*1), R14
	VMASKMOVPS Y1, Y15, (R14)
	LEAQ (R8)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y3
	VMULPS Y3, Y1, Y1
	VFMADD231PS Y8, Y1, Y14
	LEAQ (SI)(AX*1), R14
	VMASKMOVPS (R14), Y15, Y2
	VFMADD231PS Y10, Y1, Y2
	VMASKMOVPS Y2, Y15, (R14)
bwdSum:
	HSUM8(Y13, X13, X1)            // gB
	HSUM8(Y14, X14, X1)            // dd
	MOVQ dskip+96(FP), R14
	VMOVSS (R14)(CX*4), X2
	VMULSS X11, X2, X2             // D·dy
	VFMADD231SS X13, X10, X2       // + Δ·gB
	MOVQ dU+104(FP), R14
	VXORPS X3, X3, X3
	VADDSS X3, X2, X2              // 0 + v: dU, dΔ are overwritten, as cleared then accumulated
	VMOVSS X2, (R14)(CX*4)
	VMOVAPS X14, X2                // dd
	VFMADD231SS X9, X13, X2        // + gB·u
	MOVQ dDelta+112(FP), R14
	VADDSS X3, X2, X2
	VMOVSS X2, (R14)(CX*4)
	VMULSS X9, X11, X2             // dy·u
	MOVQ pD+120(FP), R14
	VADDSS (R14)(CX*4), X2, X2
	VMOVSS X2, (R14)(CX*4)
	ADDQ BX, DI
	ADDQ BX, SI
	ADDQ BX, DX
	ADDQ BX, R8
	ADDQ BX, R9
	INCQ CX
	JMP bwdE
bwdDone:
	VZEROUPPER
	RET
