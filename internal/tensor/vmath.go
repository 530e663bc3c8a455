package tensor

// Float32 vector kernels: y = f(x) elementwise over slices, for the hot
// elementwise loops of the float32 path. On amd64 with AVX2 and FMA they
// run 8 lanes at a time in assembly (vmath_amd64.s; float32 arithmetic,
// Cephes-style polynomials), otherwise they loop over the scalar kernels
// of fastmath.go. Every element goes through the same instructions
// wherever it sits in the slice (the tail is done with masked loads), so
// results do not depend on how a caller splits the work. Maximum errors,
// measured by the tests against float64 math over all float32 inputs in
// steps (README.md, Speed):
//
//	function          assembly (bound / measured)   portable
//	ExpVec32          1.5 / 0.99 ulp                0.51 ulp
//	LogVec32          1 / 0.77 ulp (x > 0)          0.51 ulp
//	Log1pVec32        2 / 1.44 ulp (x > −1)         0.51 ulp
//	SoftplusVec32     2.5 / 2.18 ulp                0.51 ulp
//	SigmoidVec32      2.5 / 2.32 ulp                0.51 ulp
//	LogSigmoidVec32   2.5 / 2.18 ulp                0.51 ulp
//	TanhVec32         2.5 / 2.19 ulp                0.51 ulp
//
// (The assembly LogVec32 and Log1pVec32 return NaN for +Inf; below their
// domains neither version is defined.)
//
// dst and x must have the same length and may be the same slice; the
// functions panic otherwise.

// ExpVec32 sets dst[i] = e^x[i].
func ExpVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			expVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Exp(v)
	}
}

// LogVec32 sets dst[i] = ln x[i] for x[i] > 0.
func LogVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			logVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Log(v)
	}
}

// SoftplusVec32 sets dst[i] = ln(1 + e^x[i]).
func SoftplusVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			softplusVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Softplus(v)
	}
}

// SigmoidVec32 sets dst[i] = σ(x[i]).
func SigmoidVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			sigmoidVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Sigmoid(v)
	}
}

// LogSigmoidVec32 sets dst[i] = ln σ(x[i]) = −softplus(−x[i]).
func LogSigmoidVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			logSigmoidVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = -Softplus(-v)
	}
}

// Log1pVec32 sets dst[i] = ln(1 + x[i]) for x[i] > −1, accurate for small
// |x[i]|.
func Log1pVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			log1pVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Log1p(v)
	}
}

// TanhVec32 sets dst[i] = tanh x[i].
func TanhVec32(dst, x []float32) {
	vecCheck(dst, x)
	if haveAVX2 {
		if len(x) > 0 {
			tanhVecAVX(&dst[0], &x[0], len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = Tanh(v)
	}
}

func vecCheck(dst, x []float32) {
	if len(dst) != len(x) {
		panic("tensor: vector kernel length mismatch")
	}
}

// Float32 reductions and row operations for the norms (RMSNorm). With
// AVX2 the sums run in 8 lanes (lane k sums elements k, k+8, …) with
// fused multiply-adds and end in a fixed reduction of the lanes; the
// portable versions sum the same lanes in the same order with separate
// multiplies and adds. Either way a result depends only on the inputs, not
// on how callers split their work.

// Dot32 returns Σ x[i]·y[i]; x and y must have the same length.
func Dot32(x, y []float32) float32 {
	vecCheck(x, y)
	if len(x) == 0 {
		return 0
	}
	if haveAVX2 {
		return dotAVX(&x[0], &y[0], len(x))
	}
	var l [8]float32
	for i, v := range x {
		l[i%8] += v * y[i]
	}
	return lanes8(l)
}

// Dot3_32 returns Σ x[i]·y[i]·z[i]; the slices must have the same length.
func Dot3_32(x, y, z []float32) float32 {
	vecCheck(x, y)
	vecCheck(x, z)
	if len(x) == 0 {
		return 0
	}
	if haveAVX2 {
		return dot3AVX(&x[0], &y[0], &z[0], len(x))
	}
	var l [8]float32
	for i, v := range x {
		l[i%8] += v * y[i] * z[i]
	}
	return lanes8(l)
}

// lanes8 reduces 8 lane sums in dotAVX's order.
func lanes8(l [8]float32) float32 {
	a0, a1, a2, a3 := l[0]+l[4], l[1]+l[5], l[2]+l[6], l[3]+l[7]
	return (a0 + a1) + (a2 + a3)
}

// ScaleMul32 sets dst[i] = (a·x[i])·w[i].
func ScaleMul32(dst, x, w []float32, a float32) {
	vecCheck(dst, x)
	vecCheck(dst, w)
	if haveAVX2 {
		if len(x) > 0 {
			scaleMulAVX(&dst[0], &x[0], &w[0], a, len(x))
		}
		return
	}
	for i, v := range x {
		dst[i] = a * v * w[i]
	}
}

// RMSBack32 adds a·(w[i]·dy[i]) − c·x[i] to dx[i] (RMSNorm's input
// gradient for one row).
func RMSBack32(dx, dy, x, w []float32, a, c float32) {
	vecCheck(dx, dy)
	vecCheck(dx, x)
	vecCheck(dx, w)
	if haveAVX2 {
		if len(x) > 0 {
			rmsBackAVX(&dx[0], &dy[0], &x[0], &w[0], a, c, len(x))
		}
		return
	}
	for i, v := range x {
		dx[i] += a*(w[i]*dy[i]) - c*v
	}
}

// ColAcc16_32 adds Σ_i r[i]·dy[i·ld + j]·x[i·ld + j] over the rows
// i < len(r) to acc[j] for the 16 columns j (RMSNorm's weight gradient for
// a block of columns), summing over the rows in order. dy and x must hold
// (len(r)−1)·ld + 16 elements.
func ColAcc16_32(acc *[16]float32, dy, x, r []float32, ld int) {
	m := len(r)
	if m == 0 {
		return
	}
	if len(dy) < (m-1)*ld+16 || len(x) < (m-1)*ld+16 {
		panic("tensor: ColAcc16_32 operands too short")
	}
	if haveAVX2 {
		colAccAVX(&acc[0], &dy[0], &x[0], &r[0], m, ld)
		return
	}
	var s [16]float32
	for i, ri := range r {
		dr, xr := dy[i*ld:i*ld+16], x[i*ld:i*ld+16]
		for j := range s {
			s[j] += ri * dr[j] * xr[j]
		}
	}
	for j := range s {
		acc[j] += s[j]
	}
}

// SoftmaxVec32 overwrites x with softmax(x) = e^{x − max x}/Σ e^{x − max x}
// (nothing for an empty x). The exponentials are ExpVec32's, the sum runs
// in 8 lanes with a fixed reduction (in float64 in the portable version).
func SoftmaxVec32(x []float32) {
	if len(x) == 0 {
		return
	}
	if haveAVX2 {
		softmaxAVX(&x[0], len(x))
		return
	}
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var s float64
	for i, v := range x {
		x[i] = Exp(v - m)
		s += float64(x[i])
	}
	inv := float32(1 / s)
	for i := range x {
		x[i] *= inv
	}
}

// SoftmaxBack32 turns d = ∂L/∂p into ∂L/∂s for p = softmax(s), in place:
// d_j = p_j·(d_j − Σ_k p_k·d_k). p and d must have the same length.
func SoftmaxBack32(d, p []float32) {
	dot := Dot32(p, d)
	if haveAVX2 {
		if len(d) > 0 {
			softmaxBackAVX(&d[0], &p[0], dot, len(d))
		}
		return
	}
	for j, v := range p {
		d[j] = v * (d[j] - dot)
	}
}

// Kernels names the float32 vector kernels in use, for report headers:
// "AVX2+FMA assembly" or "portable Go".
func Kernels() string {
	if haveAVX2 {
		return "AVX2+FMA assembly"
	}
	return "portable Go"
}

// ColSum16_32 adds Σ_i x[i·ld + j] over the rows i < m to acc[j] for the
// 16 columns j (a bias gradient for a block of columns), summing over the
// rows in order. x must hold (m−1)·ld + 16 elements.
func ColSum16_32(acc *[16]float32, x []float32, m, ld int) {
	if m <= 0 {
		return
	}
	if len(x) < (m-1)*ld+16 {
		panic("tensor: ColSum16_32 operand too short")
	}
	if haveAVX2 {
		colSumAVX(&acc[0], &x[0], m, ld)
		return
	}
	var s [16]float32
	for i := 0; i < m; i++ {
		for j, v := range x[i*ld : i*ld+16] {
			s[j] += v
		}
	}
	for j := range s {
		acc[j] += s[j]
	}
}
