package tensor

import "math"

// Scalar functions used by the gates and scans, computed in float64 and
// rounded to F. Each is written to stay finite for any finite input.

// Sigmoid returns σ(x) = 1/(1+e^{−x}).
func Sigmoid[F Float](x F) F {
	if x >= 0 {
		return F(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return F(e / (1 + e))
}

// Softplus returns log(1+e^x), finite for every finite x.
func Softplus[F Float](x F) F {
	v := float64(x)
	if v > 0 {
		return F(v + math.Log1p(math.Exp(-v)))
	}
	return F(math.Log1p(math.Exp(v)))
}

// LogSigmoid returns log σ(x) = −softplus(−x).
func LogSigmoid[F Float](x F) F { return -Softplus(-x) }

// Exp returns e^x.
func Exp[F Float](x F) F { return F(math.Exp(float64(x))) }

// Log returns ln x.
func Log[F Float](x F) F { return F(math.Log(float64(x))) }

// Tanh returns tanh x.
func Tanh[F Float](x F) F { return F(math.Tanh(float64(x))) }

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
