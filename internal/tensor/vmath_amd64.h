// AVX2+FMA float32 building blocks, 8 lanes per YMM register, shared by
// the assembly kernels of internal/tensor and models (each package keeps an
// identical copy; models' test checks that they match). Constants are
// file-local 32-byte vectors (one copy per .s file that includes this).
//
// Operand order is Go's: the destination is last, and for non-commutative
// instructions "OP b, a, dst" computes dst = a OP b. VMAXPS/VMINPS return
// their first operand when either is NaN, which the macros use to
// propagate NaN.

#define VCONST(name, bits) \
	DATA name<>+0(SB)/4, $bits; \
	DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; \
	DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; \
	DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; \
	DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VCONST(vOne, 0x3f800000)        // 1
VCONST(vHalf, 0x3f000000)       // 0.5
VCONST(vTwo, 0x40000000)        // 2
VCONST(vSignMask, 0x80000000)   // sign bit
VCONST(vAbsMask, 0x7fffffff)    // all but the sign bit
VCONST(vInf, 0x7f800000)        // +Inf
VCONST(vExpHi, 0x42b20000)      // 89: exp overflows above 88.73
VCONST(vExpLo, 0xc2d00000)      // -104: exp underflows below -103.97
VCONST(vLog2e, 0x3fb8aa3b)      // log2(e)
VCONST(vLn2Hi, 0x3f318000)      // 0.693359375 (Cody–Waite high part of ln 2)
VCONST(vLn2Lo, 0xb95e8083)      // -2.12194440e-4 (low part)
VCONST(vExpP0, 0x39506967)      // 1.9875691500e-4  (Cephes expf)
VCONST(vExpP1, 0x3ab743ce)      // 1.3981999507e-3
VCONST(vExpP2, 0x3c088908)      // 8.3334519073e-3
VCONST(vExpP3, 0x3d2aa9c1)      // 4.1665795894e-2
VCONST(vExpP4, 0x3e2aaaaa)      // 1.6666665459e-1
VCONST(vExpP5, 0x3f000000)      // 5.0000001201e-1
VCONST(vBias, 0x0000007f)       // 127 (int32)
VCONST(vSqrtHalf, 0x3f3504f3)   // √½ (bits)
VCONST(vExpMask, 0xff800000)    // sign and exponent bits
VCONST(vLg1, 0x3f2aaaaa)        // 0.66666662693  (FreeBSD logf)
VCONST(vLg2, 0x3eccce13)        // 0.40000972152
VCONST(vLg3, 0x3e91e9ee)        // 0.28498786688
VCONST(vLg4, 0x3e789e26)        // 0.24279078841
VCONST(vLog2Hi, 0x3f317180)     // 6.9313812256e-01 (logf's split of ln 2)
VCONST(vLog2Lo, 0x3717f7d1)     // 9.0580006145e-06
VCONST(vLn2, 0x3f317218)        // ln 2

// EXP8(X, T0, T1, T2): X = e^X on 8 lanes; T0–T2 are clobbered.
// X is clamped to [-104, 89] (NaN kept), k = round(X·log2 e) and
// r = X − k·ln2 (Cody–Waite), e^r by Cephes' degree-5 polynomial, and the
// result scaled by 2^k in two steps 2^(k>>1)·2^(k−k>>1), so that results in
// the subnormal range round correctly and overflow gives +Inf.
#define EXP8(X, T0, T1, T2) \
	VMOVUPS vExpHi<>(SB), T0; \
	VMINPS X, T0, X; \
	VMOVUPS vExpLo<>(SB), T0; \
	VMAXPS X, T0, X; \
	VMULPS vLog2e<>(SB), X, T0; \
	VROUNDPS $0, T0, T0; \
	VFNMADD231PS vLn2Hi<>(SB), T0, X; \
	VFNMADD231PS vLn2Lo<>(SB), T0, X; \
	VMOVUPS vExpP0<>(SB), T1; \
	VFMADD213PS vExpP1<>(SB), X, T1; \
	VFMADD213PS vExpP2<>(SB), X, T1; \
	VFMADD213PS vExpP3<>(SB), X, T1; \
	VFMADD213PS vExpP4<>(SB), X, T1; \
	VFMADD213PS vExpP5<>(SB), X, T1; \
	VMULPS X, X, T2; \
	VFMADD213PS X, T2, T1; \
	VADDPS vOne<>(SB), T1, T1; \
	VCVTPS2DQ T0, T0; \
	VPSRAD $1, T0, T2; \
	VPSUBD T2, T0, T0; \
	VPADDD vBias<>(SB), T2, T2; \
	VPSLLD $23, T2, T2; \
	VPADDD vBias<>(SB), T0, T0; \
	VPSLLD $23, T0, T0; \
	VMULPS T2, T1, T1; \
	VMULPS T0, T1, X

// LOG8(X, T0, T1, T2, T3, T4, T5): X = ln X on 8 lanes for positive normal
// X; NaN and +Inf give NaN; T0–T5 are clobbered. FreeBSD's logf:
// X = 2^e·(1+f) with 1+f ∈ [√½, √2), s = f/(2+f), z = s², w = z²,
// R = z(Lg1 + w·Lg3) + w(Lg2 + w·Lg4) and
// ln X = e·ln2hi − ((f²/2 − (s(f²/2 + R) + e·ln2lo)) − f).
#define LOG8(X, T0, T1, T2, T3, T4, T5) \
	VSUBPS X, X, T3; \
	VPSUBD vSqrtHalf<>(SB), X, T0; \
	VPSRAD $23, T0, T1; \
	VPAND vExpMask<>(SB), T0, T0; \
	VPSUBD T0, X, X; \
	VCVTDQ2PS T1, T1; \
	VSUBPS vOne<>(SB), X, X; \
	VADDPS vTwo<>(SB), X, T0; \
	VDIVPS T0, X, T0; \
	VMULPS T0, T0, T2; \
	VMULPS T2, T2, T4; \
	VMOVUPS vLg4<>(SB), T5; \
	VFMADD213PS vLg2<>(SB), T4, T5; \
	VMULPS T4, T5, T5; \
	VMULPS vLg3<>(SB), T4, T4; \
	VADDPS vLg1<>(SB), T4, T4; \
	VMULPS T4, T2, T2; \
	VADDPS T5, T2, T2; \
	VMULPS X, X, T4; \
	VMULPS vHalf<>(SB), T4, T4; \
	VADDPS T4, T2, T2; \
	VMULPS T0, T2, T2; \
	VFMADD231PS vLog2Lo<>(SB), T1, T2; \
	VSUBPS T2, T4, T4; \
	VSUBPS X, T4, T4; \
	VMULPS vLog2Hi<>(SB), T1, T1; \
	VSUBPS T4, T1, X; \
	VADDPS T3, X, X

// LOG1P01(E, X, C, T0, T1, T2, T3, T4, T5): X = ln(1+E) for E ∈ [0, 1] on
// 8 lanes (E kept, C clobbered): ln u + (E − (u − 1)) with u = 1 + E, the
// correction (exact in float32) restoring the bits of E that u lost.
#define LOG1P01(E, X, C, T0, T1, T2, T3, T4, T5) \
	VADDPS vOne<>(SB), E, X; \
	VSUBPS vOne<>(SB), X, C; \
	VSUBPS C, E, C; \
	LOG8(X, T0, T1, T2, T3, T4, T5); \
	VADDPS C, X, X

// EXPM1P(X, T0, T1, T2): X = e^X − 1 for X ∈ [0, 40] on 8 lanes (T0–T2
// clobbered): with k = round(X·log2 e), r = X − k·ln2 and
// q = r + r²·P(r) (EXP8's polynomial without its 1), e^X − 1 =
// 2^k·q + (2^k − 1), accurate to a few ulp also near 0.
#define EXPM1P(X, T0, T1, T2) \
	VMULPS vLog2e<>(SB), X, T0; \
	VROUNDPS $0, T0, T0; \
	VFNMADD231PS vLn2Hi<>(SB), T0, X; \
	VFNMADD231PS vLn2Lo<>(SB), T0, X; \
	VMOVUPS vExpP0<>(SB), T1; \
	VFMADD213PS vExpP1<>(SB), X, T1; \
	VFMADD213PS vExpP2<>(SB), X, T1; \
	VFMADD213PS vExpP3<>(SB), X, T1; \
	VFMADD213PS vExpP4<>(SB), X, T1; \
	VFMADD213PS vExpP5<>(SB), X, T1; \
	VMULPS X, X, T2; \
	VFMADD213PS X, T2, T1; \
	VCVTPS2DQ T0, T0; \
	VPADDD vBias<>(SB), T0, T0; \
	VPSLLD $23, T0, T0; \
	VSUBPS vOne<>(SB), T0, T2; \
	VFMADD213PS T2, T0, T1; \
	VMOVUPS T1, X
