package tensor

import (
	"math"
	"unsafe"
)

// Fast transcendentals for the float32 path.
//
// Package math computes every function to float64 precision (about 1e-16),
// which the float32 training path then rounds away, and it costs about
// 4–9 ns per call. The kernels below compute in float64 arithmetic (as cheap
// as float32 in scalar code) with short polynomials whose error is about
// 1e-9 relative — 1/30 of a float32 ulp — so that after rounding to float32
// each result is within 0.51 ulp of the exact value (the tests measure every
// function over wide ranges and the extremes, against package math):
//
//	function          domain                         max error of the float32 result
//	Exp               all float32                    0.51 ulp
//	Log               all float32 (x ≤ 0: −Inf, NaN) 0.51 ulp
//	Log1p             x > −1                         0.51 ulp
//	Softplus          all float32                    0.51 ulp
//	Sigmoid           all float32                    0.51 ulp
//	−Softplus(−x)     all float32 (log σ)            0.51 ulp
//	Tanh              all float32                    0.51 ulp
//
// (ulp: the spacing of float32 numbers at the exact result, subnormal
// spacing below 2^−126.) Each math function has one scalar
// implementation for both precisions, chosen by F: the float64-domain
// kernels below (expFast, …) for F = float32 and package math for
// F = float64, so the float64 path — the one the finite-difference
// gradient checks run — stays exact. ExpAt[F] (below) applies it to a
// float64 intermediate; Exp[F] (mathx.go) is the same function on a value
// of type F, F(ExpAt[F](float64(x))) in one line (Log1p and Tanh, needed
// only on values, have only that form); ExpVec32 (vmath.go) is the float32
// row kernel, whose AVX2 assembly has its own error bounds and whose
// portable loop calls Exp[float32].

// Is32 reports whether F is a 4-byte float. The compiler folds it to a
// constant in each instantiation, so `if Is32[F]()` costs nothing.
func Is32[F Float]() bool {
	var z F
	return unsafe.Sizeof(z) == 4
}

const (
	ln2        = 0.6931471805599453094172321
	log2e      = 1.442695040888963407359924681
	roundMagic = 0x1.8p52 // adding it rounds |x| < 2^51 to an integer in the low mantissa bits
	sqrtHalf   = 0x3fe6a09e667f3bcd
)

// Minimax coefficients (fitted for relative error on Chebyshev nodes):
// e^r ≈ Σ expC_i r^i on |r| ≤ ln2/2, relative error 4.0e-11;
// ln m ≈ 2s(1 + z·Σ logC_i z^i), s = (m−1)/(m+1), z = s², on
// m ∈ [√½, √2), relative error 4.8e-12.
const (
	expC0 = 0.9999999999616515
	expC1 = 1.0000000002433003
	expC2 = 0.5000000104598206
	expC3 = 0.1666666512514572
	expC4 = 0.04166622525057397
	expC5 = 0.008333561192662466
	expC6 = 0.0013948195109224027
	expC7 = 0.00019775152965391927

	logC0 = 0.3333333282209238
	logC1 = 0.20000167719035378
	logC2 = 0.14268647013671373
	logC3 = 0.11791207607352379
)

// expFast returns e^x with relative error below 5e-11 (to the nearest
// subnormal below 2^−1022), +Inf above 709.78, 0 below −745.2 and NaN for
// NaN. It calls nothing, so it compiles to a leaf function without a
// stack frame.
func expFast(x float64) float64 {
	if !(x >= -708 && x <= 709) {
		switch {
		case x != x:
			return x
		case x > 709.782712893384:
			return math.Inf(1)
		case x < -745.2:
			return 0
		}
	}
	t := x*log2e + roundMagic // k = round(x/ln2) sits in t's low bits
	k := t - roundMagic
	r := x - k*ln2 // |r| ≤ ln2/2 (+ rounding)
	r2 := r * r
	p := (expC0 + expC1*r) + r2*((expC2+expC3*r)+r2*((expC4+expC5*r)+r2*(expC6+expC7*r)))
	// Multiply by 2^k by adding k to the exponent field; outside the
	// normal range in two steps (the second rounds subnormals once).
	kb := math.Float64bits(t) - math.Float64bits(roundMagic)
	switch {
	case k > 1023:
		return math.Float64frombits(math.Float64bits(p)+(kb-1)<<52) * 2
	case k < -1021:
		return math.Float64frombits(math.Float64bits(p)+(kb+64)<<52) * 0x1p-64
	}
	return math.Float64frombits(math.Float64bits(p) + kb<<52)
}

// logFast returns ln x with relative error below 5e-12 for x > 0 (also
// subnormal), −Inf at 0, NaN below 0 and for NaN, +Inf at +Inf. It calls
// nothing.
func logFast(x float64) float64 {
	b := math.Float64bits(x)
	var adj float64
	if b-0x0010000000000000 >= 0x7ff0000000000000-0x0010000000000000 {
		switch {
		case x != x || x < 0:
			return math.NaN()
		case x == 0:
			return math.Inf(-1)
		case x > math.MaxFloat64:
			return x
		}
		b = math.Float64bits(x * 0x1p52) // subnormal: scale into the normal range
		adj = -52 * ln2
	}
	// x = 2^e·m with m ∈ [√½, √2).
	tmp := b - sqrtHalf
	e := int64(tmp) >> 52
	m := math.Float64frombits(b - tmp&0xfff0000000000000)
	f := m - 1
	s := f / (2 + f)
	z := s * s
	s2 := s + s
	return adj + float64(e)*ln2 + (s2 + s2*z*(logC0+z*(logC1+z*(logC2+z*logC3))))
}

// log1pFast returns ln(1+x) with relative error below 1e-9 for x > −1
// (−Inf at −1, NaN below, +Inf at +Inf).
func log1pFast(x float64) float64 {
	u := 1 + x
	if u == 1 {
		return x // |x| < 2^−53: ln(1+x) = x to float64 precision
	}
	if u > 1e300 {
		return logFast(x)
	}
	// ln(1+x) = ln u + ln(1 + c/u) ≈ ln u + c, c = x − (u−1) the rounding
	// of u (exact); dropping the 1/u of the correction costs under 2^−52
	// relative, since c ≠ 0 only where |ln(1+x)| ≫ |c|.
	return logFast(u) + (x - (u - 1))
}

// tanhFast returns tanh x, relative error below 1e-8: an odd Taylor
// polynomial for |x| < ln2/4 (error below 3e-10), else 1 − 2/(e^{2|x|}+1)
// with the sign of x.
func tanhFast(x float64) float64 {
	a := math.Abs(x)
	if a < 0.17328679513998632 {
		z := x * x
		return x + x*z*(-1.0/3+z*(2.0/15+z*(-17.0/315+z*(62.0/2835))))
	}
	t := 1 - 2/(expFast(a+a)+1)
	if x < 0 {
		return -t
	}
	return t
}

// Float64-domain functions at F's precision, for kernels that keep float64
// intermediates: the fast kernels above when F is float32 (relative error
// about 1e-9, far below float32's rounding), package math when F is
// float64.

// ExpAt returns e^x at F's precision.
func ExpAt[F Float](x float64) float64 {
	if Is32[F]() {
		return expFast(x)
	}
	return math.Exp(x)
}

// LogAt returns ln x at F's precision.
func LogAt[F Float](x float64) float64 {
	if Is32[F]() {
		return logFast(x)
	}
	return math.Log(x)
}

// SoftplusAt returns ln(1+e^x) = max(x, 0) + ln(1+e^−|x|) at F's
// precision (float32: relative error below 3e-9), finite for every finite
// x (NaN for NaN).
func SoftplusAt[F Float](x float64) float64 {
	if Is32[F]() {
		return max(x, 0) + log1pFast(expFast(-math.Abs(x)))
	}
	return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

// SigmoidsAt returns σ(x) and σ(−x) = 1 − σ(x) at F's precision, each to
// full relative precision (float32: below 4e-9), from one exponential.
func SigmoidsAt[F Float](x float64) (s, sn float64) {
	if Is32[F]() {
		return sigmoids(x, expFast(-math.Abs(x)))
	}
	return sigmoids(x, math.Exp(-math.Abs(x)))
}

// sigmoids returns σ(x) and σ(−x) given e = e^−|x|; neither is formed as
// 1 minus the other.
func sigmoids(x, e float64) (s, sn float64) {
	p := 1 / (1 + e)
	if x >= 0 {
		return p, e * p
	}
	return e * p, p
}

// SigmoidAt returns σ(x) = 1/(1+e^−x) at F's precision: σ of SigmoidsAt
// for float32 (relative error below 4e-9), and for float64 e^x/(1+e^x)
// when x < 0 (one rounding fewer).
func SigmoidAt[F Float](x float64) float64 {
	if Is32[F]() {
		s, _ := SigmoidsAt[F](x)
		return s
	}
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
