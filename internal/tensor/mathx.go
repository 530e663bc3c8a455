package tensor

import "math"

// Scalar functions on values of type F, for the gates and scans. Exp,
// Log, Sigmoid and Softplus are their float64-domain entry points of
// fastmath.go (ExpAt, …) applied to float64(x) and rounded to F once, so
// that each function has one implementation per precision; Log1p and
// Tanh, which no kernel needs on float64 intermediates, are their only
// scalar entry points. For F = float32 each result is within 0.51 ulp of
// the exact value; for F = float64 it is package math's. Each stays finite
// for any finite input.

// Sigmoid returns σ(x) = 1/(1+e^{−x}).
func Sigmoid[F Float](x F) F { return F(SigmoidAt[F](float64(x))) }

// Softplus returns log(1+e^x), finite for every finite x.
func Softplus[F Float](x F) F { return F(SoftplusAt[F](float64(x))) }

// Exp returns e^x.
func Exp[F Float](x F) F { return F(ExpAt[F](float64(x))) }

// Log returns ln x.
func Log[F Float](x F) F { return F(LogAt[F](float64(x))) }

// Log1p returns ln(1+x).
func Log1p[F Float](x F) F {
	if Is32[F]() {
		return F(log1pFast(float64(x)))
	}
	return F(math.Log1p(float64(x)))
}

// Tanh returns tanh x.
func Tanh[F Float](x F) F {
	if Is32[F]() {
		return F(tanhFast(float64(x)))
	}
	return F(math.Tanh(float64(x)))
}

// SiLU returns x·σ(x).
func SiLU[F Float](x F) F { return x * Sigmoid(x) }

// IsFinite reports whether every element of x is finite.
func IsFinite[F Float](x []F) bool {
	for _, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}
